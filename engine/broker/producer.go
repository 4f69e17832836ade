package broker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	zmq "github.com/pebbe/zmq4"
	"github.com/prometheus/client_golang/prometheus"
)

// Producer pushes messages to a broker's frontend and keeps each until the
// broker says a consumer finished it (OK), re-sending what is not
// finished after ResendAfter: a broker that crashes loses nothing a
// producer sent it. It is safe for concurrent use.
//
// Two sockets, because a ZeroMQ socket must not be used by two goroutines
// at once and acks arrive while callers send: a DEALER that only sends
// (callers, under mu) and a DEALER that only receives acks (the reader
// goroutine). Their identities share a random token ("p:" and "a:"), which
// is how the broker knows where to send the OK of a message.
type Producer struct {
	mu   sync.Mutex
	sock *zmq.Socket
	buf  []byte

	// Group send: concurrent Sends (a worker's slots finishing checks)
	// queue here, and whichever caller finds no send in progress takes the
	// whole queue to the socket as one BATCH frame. No timer: a lone Send
	// goes at once; under load the batches grow by themselves.
	qmu      sync.Mutex
	queue    []Message
	waiters  []chan error
	finishes []func() // per queued message: called on its OK (nil: nobody waits)
	flushing bool
	// linger (WithLinger): how long the sender that found no send in
	// progress waits for more before it flushes; lingering says it is
	// waiting, kick cuts the wait short (an urgent message, a full batch).
	linger    time.Duration
	lingering bool
	kick      chan struct{}

	// Unfinished messages, by id. Callers wait while window of them are
	// unfinished: a slow consumer side slows its producers instead of
	// growing a queue.
	pmu      sync.Mutex
	room     *sync.Cond
	pending  map[string]*unfinished
	closed   bool
	reserved int // places in the window taken by senders, not yet in pending
	window   int
	resend   time.Duration
	name     string

	pendingGauge prometheus.Gauge
	frames       prometheus.Counter

	acks       *zmq.Socket
	ackWait    *fdWaiter // acks' readiness, in Go's netpoller
	readerDone chan struct{}
	closing    chan struct{} // closed by Close: nothing more will be finished
}

type unfinished struct {
	msg         Message
	first, sent time.Time
	// fin, and more, are closed when the broker reports the message
	// finished (SendAndWait callers; more when the same id was sent
	// again before its OK came).
	fin  func()
	more []func()
}

func (u *unfinished) close() {
	if u.fin != nil {
		u.fin()
	}
	for _, f := range u.more {
		f()
	}
}

// ProducerOption tunes a Producer.
type ProducerOption func(*Producer)

// WithWindow bounds the messages a producer has sent and not yet seen
// finished (default 10,000). A Send past it waits.
func WithWindow(n int) ProducerOption { return func(p *Producer) { p.window = max(n, 1) } }

// WithResendAfter sets how long a message may stay unfinished before it
// is sent again (default 5 s). A broker that still holds it ignores the
// copy, so this only costs a frame.
func WithResendAfter(d time.Duration) ProducerOption {
	return func(p *Producer) { p.resend = max(d, 10*time.Millisecond) }
}

// WithLinger makes a send of an ordinary message wait up to d for other
// sends before the batch goes (default 0: at once). At a low rate the
// results of one control tick then cross the broker as one frame instead
// of one frame, one broker wake-up and one consumer wake-up each. An
// urgent message never waits: it takes whatever lingers along at once.
func WithLinger(d time.Duration) ProducerOption {
	return func(p *Producer) { p.linger = max(d, 0) }
}

// lingerFull ends a linger early: a batch this large already costs one
// frame for many messages.
const lingerFull = 256

// WithName labels the producer's metrics (default "producer").
func WithName(name string) ProducerOption { return func(p *Producer) { p.name = name } }

// ErrProducerClosed is returned by sends on, or waiting in, a closed
// producer.
var ErrProducerClosed = errors.New("producer closed")

// NewProducer connects to frontend. ZeroMQ connects lazily and queues while
// the broker is away (up to the high-water mark), and what the broker held
// when it went away is re-sent, so a broker restart loses nothing.
func NewProducer(frontend string, opts ...ProducerOption) (*Producer, error) {
	p := &Producer{pending: map[string]*unfinished{}, window: 10_000, resend: 5 * time.Second, name: "producer",
		readerDone: make(chan struct{}), closing: make(chan struct{}), kick: make(chan struct{}, 1)}
	for _, o := range opts {
		o(p)
	}
	p.room = sync.NewCond(&p.pmu)
	p.pendingGauge = mProducerPending.WithLabelValues(p.name)
	p.frames = mProducerFrames.WithLabelValues(p.name)
	token := make([]byte, 12)
	_, _ = rand.Read(token)
	id := hex.EncodeToString(token)

	s, err := zmq.NewSocket(zmq.DEALER)
	if err != nil {
		return nil, fmt.Errorf("creating producer socket: %w", err)
	}
	a, err := zmq.NewSocket(zmq.DEALER)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("creating producer ack socket: %w", err)
	}
	_ = s.SetIdentity(producerPrefix + id)
	_ = a.SetIdentity(ackPrefix + id)
	_ = s.SetSndhwm(100_000)
	_ = s.SetSndtimeo(2 * time.Second)
	_ = s.SetLinger(2 * time.Second)
	_ = a.SetLinger(0)
	_ = a.SetRcvhwm(0)
	for _, sock := range []*zmq.Socket{a, s} { // acks first: no OK can miss its socket
		if err := sock.Connect(frontend); err != nil {
			s.Close()
			a.Close()
			return nil, fmt.Errorf("connecting producer to %s: %w", frontend, err)
		}
	}
	aw, err := newFDWaiter(a)
	if err != nil {
		s.Close()
		a.Close()
		return nil, fmt.Errorf("producer for %s: %w", frontend, err)
	}
	p.sock, p.acks, p.ackWait = s, a, aw
	go p.readAcks()
	return p, nil
}

// ackPoll is how long the reader waits for acks before it looks for
// messages to re-send (and whether it was closed).
const ackPoll = 250 * time.Millisecond

// Send is SendContext without a context: it waits for the window until
// the producer is closed.
func (p *Producer) Send(m Message) error { return p.SendContext(context.Background(), m) }

// SendContext queues m for the broker and returns once m is with ZeroMQ,
// sent together with whatever other goroutines sent meanwhile. It waits
// first while the window is full, until ctx ends. m.Payload is kept until
// m is finished: the caller must not reuse it.
func (p *Producer) SendContext(ctx context.Context, m Message) error {
	return p.groupSend(ctx, m, nil, nil)
}

// SendAndWait is SendContext, then waits until the broker reports m
// finished (for a result: committed by an actioner), ctx ends or the
// producer is closed. A worker holds its job until then, so a worker
// that dies before its result is safe has its job run again elsewhere.
// inWindow, when not nil, runs once m has its place in the window (the
// worker gives its slot back there: while the window is full it keeps it,
// which is the back-pressure).
func (p *Producer) SendAndWait(ctx context.Context, m Message, inWindow func()) error {
	fin := make(chan struct{})
	if err := p.groupSend(ctx, m, func() { close(fin) }, inWindow); err != nil {
		return err
	}
	select {
	case <-fin:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for %s to be finished: %w", m.ID, ctx.Err())
	case <-p.closing:
		return fmt.Errorf("waiting for %s to be finished: %w", m.ID, ErrProducerClosed)
	}
}

// SendThen is SendContext, and calls finished (on the producer's reader
// goroutine: it must be quick) once the broker reports m finished. It is
// never called if the producer is closed first. inWindow is as for
// SendAndWait.
func (p *Producer) SendThen(ctx context.Context, m Message, inWindow, finished func()) error {
	return p.groupSend(ctx, m, finished, inWindow)
}

func (p *Producer) groupSend(ctx context.Context, m Message, fin func(), inWindow func()) error {
	if err := p.reserve(ctx, 1); err != nil {
		return fmt.Errorf("sending %s: %w", m.ID, err)
	}
	if inWindow != nil {
		inWindow()
	}
	ch := make(chan error, 1)
	p.qmu.Lock()
	p.queue = append(p.queue, m)
	p.waiters = append(p.waiters, ch)
	p.finishes = append(p.finishes, fin)
	if p.lingering && (m.Urgent || len(p.queue) >= lingerFull) {
		p.lingering = false
		select {
		case p.kick <- struct{}{}:
		default:
		}
	}
	if p.flushing {
		p.qmu.Unlock()
		return <-ch
	}
	p.flushing = true
	if p.linger > 0 && !m.Urgent {
		p.lingerFor()
	}
	for len(p.queue) > 0 {
		q, w, f := p.queue, p.waiters, p.finishes
		p.queue, p.waiters, p.finishes = nil, nil, nil
		p.qmu.Unlock()
		err := p.sendTracked(q, f)
		for _, c := range w {
			c <- err
		}
		p.qmu.Lock()
	}
	p.flushing = false
	p.qmu.Unlock()
	return <-ch
}

// lingerFor waits, with qmu held on entry and exit, until the linger
// passes, an urgent or a full batch kicks it, or the producer closes.
func (p *Producer) lingerFor() {
	select {
	case <-p.kick: // stale: from a linger that had already ended
	default:
	}
	p.lingering = true
	p.qmu.Unlock()
	t := time.NewTimer(p.linger)
	select {
	case <-t.C:
	case <-p.kick:
	case <-p.closing:
	}
	t.Stop()
	p.qmu.Lock()
	p.lingering = false
}

// SendBatch is SendBatchContext without a context.
func (p *Producer) SendBatch(msgs []Message) error {
	return p.SendBatchContext(context.Background(), msgs)
}

// SendBatchContext pushes msgs in as few BATCH frames as fit
// maxBatchBytes: one cgo call and one wake-up of the broker for a whole
// control round. It waits first, until ctx ends, for the batch to fit the
// window (a batch larger than the window waits for an empty one).
func (p *Producer) SendBatchContext(ctx context.Context, msgs []Message) error {
	if len(msgs) == 0 {
		return nil
	}
	if err := p.reserve(ctx, len(msgs)); err != nil {
		return fmt.Errorf("sending %d messages (%s…): %w", len(msgs), msgs[0].ID, err)
	}
	return p.sendTracked(msgs, nil)
}

// reserve waits until n more messages fit the window, the producer is
// closed or ctx ends.
func (p *Producer) reserve(ctx context.Context, n int) error {
	p.pmu.Lock()
	defer p.pmu.Unlock()
	// reserved counts places taken by senders whose messages are not yet
	// in pending: without it, senders passing here at once all saw room.
	full := func() bool {
		used := len(p.pending) + p.reserved
		return !p.closed && ctx.Err() == nil && used > 0 && used+n > p.window
	}
	if full() {
		mProducerWaits.WithLabelValues(p.name).Inc()
		start := time.Now()
		stop := context.AfterFunc(ctx, func() {
			p.pmu.Lock()
			p.room.Broadcast()
			p.pmu.Unlock()
		})
		for full() {
			p.room.Wait()
		}
		stop()
		mProducerWaited.WithLabelValues(p.name).Add(time.Since(start).Seconds())
	}
	if p.closed {
		return ErrProducerClosed
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("waiting for the window: %w", err)
	}
	p.reserved += n
	return nil
}

// maxBatchBytes keeps one BATCH frame to a size the broker reads in one go
// without a large allocation.
const maxBatchBytes = 1 << 20

// sendTracked records msgs as unfinished (so an OK cannot come before the
// record), with fins[i] to close on msgs[i]'s OK when fins is not nil,
// and writes them to the socket.
func (p *Producer) sendTracked(msgs []Message, fins []func()) error {
	now := time.Now()
	p.pmu.Lock()
	p.reserved = max(p.reserved-len(msgs), 0)
	for i, m := range msgs {
		u := &unfinished{msg: m, first: now, sent: now}
		if fins != nil {
			u.fin = fins[i]
		}
		if old, ok := p.pending[m.ID]; ok {
			// Sent again before its OK (a job that ran twice): one OK
			// finishes both.
			u.more = old.more
			if old.fin != nil {
				u.more = append(u.more, old.fin)
			}
		}
		p.pending[m.ID] = u
	}
	p.pendingGauge.Set(float64(len(p.pending)))
	p.pmu.Unlock()
	return p.send(msgs)
}

// send writes msgs to the socket.
func (p *Producer) send(msgs []Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sock == nil {
		return fmt.Errorf("sending %s: %w", msgs[0].ID, ErrProducerClosed)
	}
	// Urgent ones first, in their own frames (the broker queues them
	// apart), then the rest; each kind in the order given.
	for _, urgent := range [2]bool{true, false} {
		verb := cmdBatch
		if urgent {
			verb = cmdBatchUrgent
		}
		b := p.buf[:0]
		for _, m := range msgs {
			if m.Urgent != urgent {
				continue
			}
			b = appendMessage(b, m)
			if len(b) >= maxBatchBytes {
				if _, err := p.sock.SendMessage(verb, b); err != nil {
					// Still unfinished: the reader sends them again.
					return fmt.Errorf("sending %d messages (%s…) to broker: %w", len(msgs), msgs[0].ID, err)
				}
				p.frames.Inc()
				b = b[:0]
			}
		}
		if len(b) > 0 {
			if _, err := p.sock.SendMessage(verb, b); err != nil {
				return fmt.Errorf("sending %d messages (%s…) to broker: %w", len(msgs), msgs[0].ID, err)
			}
			p.frames.Inc()
		}
		if cap(b) <= maxBatchBytes*2 {
			p.buf = b
		}
	}
	return nil
}

// readAcks owns the ack socket: it forgets finished messages and, between
// acks, re-sends those unfinished for longer than the resend interval.
func (p *Producer) readAcks() {
	defer close(p.readerDone)
	lastScan := time.Now()
	for {
		if p.ackWait.waitReadable(ackPoll) {
			for {
				parts, err := p.acks.RecvMessageBytes(zmq.DONTWAIT)
				if err != nil {
					break
				}
				if len(parts) == 2 && string(parts[0]) == cmdOK {
					p.finished(parts[1])
				}
			}
		}
		p.pmu.Lock()
		closed := p.closed
		p.pmu.Unlock()
		if closed {
			return
		}
		if now := time.Now(); now.Sub(lastScan) >= ackPoll {
			lastScan = now
			p.resendOld(now)
		}
	}
}

func (p *Producer) finished(packed []byte) {
	p.pmu.Lock()
	defer p.pmu.Unlock()
	_ = unpackIDs(packed, func(id []byte) {
		if u, ok := p.pending[string(id)]; ok {
			u.close()
			delete(p.pending, string(id))
		}
	})
	p.pendingGauge.Set(float64(len(p.pending)))
	p.room.Broadcast()
}

func (p *Producer) resendOld(now time.Time) {
	// Whatever is due goes again with everything sent before it, in the
	// order it was first sent: a monitor's older result arriving after its
	// newer one would be kept in history only, not applied.
	var cutoff time.Time
	p.pmu.Lock()
	for _, u := range p.pending {
		if now.Sub(u.sent) >= p.resend && u.first.After(cutoff) {
			cutoff = u.first
		}
	}
	var old []*unfinished
	if !cutoff.IsZero() {
		for _, u := range p.pending {
			if !u.first.After(cutoff) {
				old = append(old, u)
			}
		}
	}
	slices.SortFunc(old, func(a, b *unfinished) int { return a.first.Compare(b.first) })
	again := make([]Message, len(old))
	for i, u := range old {
		// The copy gets as long as the original had: a broker would
		// otherwise take a passed deadline for a consumer that hangs and
		// hand the copy out twice.
		m := u.msg
		if !m.Deadline.IsZero() {
			m.Deadline = now.Add(m.Deadline.Sub(u.first))
		}
		u.sent = now
		again[i] = m
	}
	p.pmu.Unlock()
	if len(again) == 0 {
		return
	}
	mProducerResent.WithLabelValues(p.name).Add(float64(len(again)))
	_ = p.send(again) // a failure leaves them unfinished: next scan
}

// Unfinished is how many messages wait for their OK.
func (p *Producer) Unfinished() int {
	p.pmu.Lock()
	defer p.pmu.Unlock()
	return len(p.pending)
}

// Close closes the sockets; waiting senders get ErrProducerClosed. What is
// still unfinished is not sent again by this producer.
func (p *Producer) Close() error {
	p.pmu.Lock()
	if p.closed {
		p.pmu.Unlock()
		return nil
	}
	p.closed = true
	close(p.closing)
	p.room.Broadcast()
	p.pmu.Unlock()
	p.ackWait.close() // ends the reader's wait at once
	<-p.readerDone
	p.acks.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	err := p.sock.Close()
	p.sock = nil
	return err
}
