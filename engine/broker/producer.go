package broker

import (
	"fmt"
	"sync"
	"time"

	zmq "github.com/pebbe/zmq4"
)

// Producer pushes messages to a broker's frontend. It is safe for
// concurrent use: a mutex serialises the socket, which ZeroMQ allows as
// long as no two goroutines use it at once.
type Producer struct {
	mu   sync.Mutex
	sock *zmq.Socket

	// Group send: concurrent Sends (a worker's slots finishing checks)
	// queue here, and whichever caller finds no send in progress takes the
	// whole queue to the socket as one BATCH frame. No timer: a lone Send
	// goes at once; under load the batches grow by themselves.
	qmu      sync.Mutex
	queue    []Message
	waiters  []chan error
	flushing bool
	buf      []byte
}

// NewProducer connects to frontend. ZeroMQ connects lazily and queues while
// the broker is away (up to the high-water mark), so a broker restart does
// not lose what producers sent meanwhile.
func NewProducer(frontend string) (*Producer, error) {
	s, err := zmq.NewSocket(zmq.PUSH)
	if err != nil {
		return nil, fmt.Errorf("creating producer socket: %w", err)
	}
	_ = s.SetSndhwm(100_000)
	_ = s.SetSndtimeo(2 * time.Second)
	_ = s.SetLinger(2 * time.Second)
	if err := s.Connect(frontend); err != nil {
		s.Close()
		return nil, fmt.Errorf("connecting producer to %s: %w", frontend, err)
	}
	return &Producer{sock: s}, nil
}

// Send queues m for the broker; it fails only when the local queue is full
// for longer than the send timeout. It returns once m is with ZeroMQ,
// sent together with whatever other goroutines sent meanwhile.
func (p *Producer) Send(m Message) error {
	ch := make(chan error, 1)
	p.qmu.Lock()
	p.queue = append(p.queue, m)
	p.waiters = append(p.waiters, ch)
	if p.flushing {
		p.qmu.Unlock()
		return <-ch
	}
	p.flushing = true
	for len(p.queue) > 0 {
		q, w := p.queue, p.waiters
		p.queue, p.waiters = nil, nil
		p.qmu.Unlock()
		err := p.SendBatch(q)
		for _, c := range w {
			c <- err
		}
		p.qmu.Lock()
	}
	p.flushing = false
	p.qmu.Unlock()
	return <-ch
}

// maxBatchBytes keeps one BATCH frame to a size the broker reads in one go
// without a large allocation.
const maxBatchBytes = 1 << 20

// SendBatch pushes msgs in as few BATCH frames as fit maxBatchBytes: one
// cgo call and one wake-up of the broker for a whole control round.
func (p *Producer) SendBatch(msgs []Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(msgs) == 0 {
		return nil
	}
	if p.sock == nil {
		return fmt.Errorf("sending %s: producer closed", msgs[0].ID)
	}
	b := p.buf[:0]
	for i, m := range msgs {
		b = appendMessage(b, m)
		if len(b) >= maxBatchBytes || i == len(msgs)-1 {
			if _, err := p.sock.SendMessage(cmdBatch, b); err != nil {
				return fmt.Errorf("sending %d messages (%s…) to broker: %w", len(msgs), msgs[0].ID, err)
			}
			b = b[:0]
		}
	}
	if cap(b) <= maxBatchBytes*2 {
		p.buf = b
	}
	return nil
}

// Close flushes for at most the linger time and closes the socket.
func (p *Producer) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sock == nil {
		return nil
	}
	err := p.sock.Close()
	p.sock = nil
	return err
}
