package broker

import (
	"fmt"
	"strconv"
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
// for longer than the send timeout.
func (p *Producer) Send(m Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sock == nil {
		return fmt.Errorf("sending %s: producer closed", m.ID)
	}
	_, err := p.sock.SendMessage(m.ID, strconv.FormatInt(m.Deadline.UnixMilli(), 10), m.Payload)
	if err != nil {
		return fmt.Errorf("sending %s to broker: %w", m.ID, err)
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
