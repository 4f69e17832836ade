package broker

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	zmq "github.com/pebbe/zmq4"
)

// Handler processes one message. It must honour ctx; the broker re-sends
// the message to someone else if the handler's process dies first.
type Handler func(ctx context.Context, m Message)

// ConsumerConfig of a worker or actioner connection to a broker backend.
type ConsumerConfig struct {
	// Name labels metrics ("worker", "actioner").
	Name        string
	Backend     string
	Concurrency int
	// MaxReleased bounds handlers that gave their slot back (Release) and
	// still run; past it Release is a no-op. Default 16×Concurrency.
	MaxReleased int
	// AckLinger delays the ACKS frame after a handler finishes by up to
	// this long, so the handlers of one batch of messages report in one
	// frame and one wake-up of both sides rather than one each (default
	// 0: at once). The slots are freed at once; what waits is the
	// broker's view of them (and jobs in the rare local backlog, see
	// Consume). A quarter of Concurrency acks waiting ends the linger, so
	// under load the broker never lacks more than that share of the slots.
	AckLinger time.Duration
	Logger    *slog.Logger
}

// Consume connects to a broker and runs handler for each message, at most
// Concurrency at a time, until ctx ends. It then waits for running
// handlers and reports them done before returning.
func Consume(ctx context.Context, cfg ConsumerConfig, handler Handler) error {
	if cfg.Concurrency < 1 {
		cfg.Concurrency = 1
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	sock, err := zmq.NewSocket(zmq.DEALER)
	if err != nil {
		return fmt.Errorf("creating consumer socket: %w", err)
	}
	defer sock.Close()
	_ = sock.SetLinger(time.Second)
	// A DEALER with no connected peer (its inproc broker closed, or a TCP
	// broker not yet reconnected) blocks a send for ever, and the loop
	// with it: it would never see its context end. Sends time out each
	// second and are tried again until they go or the context ends
	// (consumerLoop.sendMessage), so nothing is dropped while a broker
	// restarts and nothing hangs when it is gone for good.
	_ = sock.SetSndtimeo(time.Second)
	_ = sock.SetRcvhwm(0)
	_ = sock.SetSndhwm(0)
	if err := sock.Connect(cfg.Backend); err != nil {
		return fmt.Errorf("connecting consumer to %s: %w", cfg.Backend, err)
	}

	// Handlers finish on their own goroutines, but only this goroutine may
	// touch sock: they queue their acks and wake it through acks.wake,
	// which it selects on beside the socket's readiness (fdwait.go), so a
	// finished job frees its slot without waiting for a poll timeout.
	sw, err := newFDWaiter(sock)
	if err != nil {
		return fmt.Errorf("consumer of %s: %w", cfg.Backend, err)
	}
	defer sw.close()
	sockWake := make(chan struct{}, 1)
	go sw.notify(sockWake)
	maxReleased := cfg.MaxReleased
	if maxReleased <= 0 {
		maxReleased = 16 * cfg.Concurrency
	}
	acks := newAckQueue(cfg.AckLinger, max(cfg.Concurrency/4, 1))

	// slots holds one token per running handler that has not released it;
	// the broker's credit mirrors cap(slots)-len(slots).
	slots := make(chan struct{}, cfg.Concurrency)
	var released atomic.Int64
	// Handlers run on long-lived goroutines, handed work over an
	// unbuffered channel: a plugin call grows its goroutine's stack, and a
	// fresh goroutine per message would copy that stack up every time.
	// A new goroutine is made only when none is idle; their number stays
	// bounded by slots + released handlers.
	var wg sync.WaitGroup
	work := make(chan Message)
	run := func(m Message) {
		// One allocation per message: the context is the slot's control.
		sc := &slotContext{Context: ctx, slotCtl: slotCtl{id: m.ID, released: &released, maxReleased: int64(maxReleased), slots: slots, acks: acks}}
		handler(sc, m)
		c := &sc.slotCtl
		if c.detached.Load() {
			return // its end func acks it
		}
		if c.retried.Load() {
			if c.freed.Load() {
				released.Add(-1)
				acks.add(ackRetryEnd, m.ID)
			} else {
				<-slots
				acks.add(ackRetry, m.ID)
			}
			return
		}
		if c.freed.Load() {
			released.Add(-1)
			acks.add(ackEnd, m.ID)
			return
		}
		<-slots
		acks.add(ackDone, m.ID)
	}
	start := func(m Message) {
		select {
		case work <- m:
			return
		default:
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(m)
			for m := range work {
				run(m)
			}
		}()
	}

	c := &consumerLoop{ctx: ctx, sock: sock, conc: cfg.Concurrency, log: log}
	c.send(cmdReady, strconv.Itoa(cfg.Concurrency))
	var backlog []Message
	busyGauge, releasedGauge := mBusy.WithLabelValues(cfg.Name), mReleased.WithLabelValues(cfg.Name)
	lastHeard, lastBeat := time.Now(), time.Now()
	timer := time.NewTimer(Heartbeat / 4)
	defer timer.Stop()
	for ctx.Err() == nil {
		// readable is a cgo call: asked again only after the wait (a send
		// there may have eaten the fd's signal), not twice per busy turn.
		ready := sw.readable()
		if !ready {
			timer.Reset(Heartbeat / 4)
			select {
			case <-sockWake:
			case <-acks.wake:
				c.sendAcks(acks)
			case <-timer.C:
			case <-ctx.Done():
			}
			ready = sw.readable()
		}
		if ready {
			lastHeard = time.Now()
			jobs, again := c.recvJobs()
			backlog = append(backlog, jobs...)
			if again {
				free := cfg.Concurrency - len(slots) - len(backlog)
				log.Info("broker asked again, re-announcing", "free", max(free, 0))
				c.send(cmdReady, strconv.Itoa(max(free, 0)))
			}
		}
		// Under load the socket is readable at every turn and the wait
		// above is skipped: acks must not wait for a quiet moment.
		select {
		case <-acks.wake:
			c.sendAcks(acks)
		default:
		}
		// More jobs than slots can arrive when a READY crossed a JOB on the
		// wire; they wait here rather than being refused.
		for len(backlog) > 0 {
			select {
			case slots <- struct{}{}:
				start(backlog[0])
				backlog = backlog[1:]
				continue
			default:
			}
			break
		}
		busyGauge.Set(float64(len(slots)))
		releasedGauge.Set(float64(released.Load()))
		now := time.Now()
		if now.Sub(lastBeat) >= Heartbeat {
			lastBeat = now
			c.send(cmdHB)
		}
		if now.Sub(lastHeard) > Liveness*Heartbeat {
			// The broker is silent (restarted, or the network blinked): tell
			// it again how many slots we have, as it may have forgotten us.
			lastHeard = now
			free := cfg.Concurrency - len(slots) - len(backlog)
			if free < 0 {
				free = 0
			}
			log.Info("broker silent, re-announcing", "free", free)
			c.send(cmdReady, strconv.Itoa(free))
		}
	}
	close(work)
	wg.Wait()
	acks.close()
	c.sendAcks(acks)
	return nil
}

type consumerLoop struct {
	ctx    context.Context
	sock   *zmq.Socket
	conc   int
	log    *slog.Logger
	ackBuf []byte
}

func (c *consumerLoop) send(parts ...string) {
	if err := c.sendMessage(parts); err != nil {
		c.log.Warn("consumer send", "verb", parts[0], "err", err)
	}
}

// sendMessage sends, trying again after each send timeout while the
// consumer's context lasts (see SetSndtimeo in Consume).
func (c *consumerLoop) sendMessage(parts ...any) error {
	for {
		_, err := c.sock.SendMessage(parts...)
		if err == nil || zmq.AsErrno(err) != zmq.Errno(syscall.EAGAIN) || c.ctx.Err() != nil {
			return err
		}
	}
}

// recvJobs reads every pending message; again reports that the broker
// asked for a fresh READY (it restarted and forgot us).
func (c *consumerLoop) recvJobs() (out []Message, again bool) {
	for {
		parts, err := c.sock.RecvMessageBytes(zmq.DONTWAIT)
		if err != nil {
			return out, again
		}
		switch {
		case len(parts) == 2 && string(parts[0]) == cmdJobs:
			if err := unpackMessages(parts[1], func(m Message) { out = append(out, m) }); err != nil {
				c.log.Warn("malformed jobs frame", "err", err)
			}
		case len(parts) == 3 && string(parts[0]) == cmdJob:
			out = append(out, Message{ID: string(parts[1]), Payload: parts[2]})
		case len(parts) == 1 && string(parts[0]) == cmdAgain:
			again = true
		}
	}
}

// ackQueue collects handlers' DONE/FREE/END, packed, in the order they
// happened. Only the first ack after the loop took the queue wakes it, so
// under load many acks cost one wake-up and one ACKS frame.
type ackQueue struct {
	mu     sync.Mutex
	buf    []byte
	wake   chan struct{}
	closed bool // the consumer stopped: a detached message ended late is dropped (the broker re-sends it)
	// With a linger, the first ack arms timer instead of waking the loop,
	// and the full-th ack queued wakes it at once.
	linger time.Duration
	timer  *time.Timer
	n      int // acks in buf
	full   int
}

func newAckQueue(linger time.Duration, full int) *ackQueue {
	q := &ackQueue{wake: make(chan struct{}, 1), linger: linger, full: full}
	if linger > 0 {
		q.timer = time.AfterFunc(time.Hour, q.signal)
		q.timer.Stop()
	}
	return q
}

func (q *ackQueue) add(verb byte, id string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	first := len(q.buf) == 0
	q.buf = appendAck(q.buf, verb, id)
	q.n++
	switch {
	case q.timer == nil && !first:
		// a wake-up is already on its way
	case q.timer != nil && q.n < q.full:
		if first {
			q.timer.Reset(q.linger)
		}
	default:
		q.wakeLocked()
	}
}

// signal is the linger timer's end.
func (q *ackQueue) signal() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.closed && len(q.buf) > 0 {
		q.wakeLocked()
	}
}

func (q *ackQueue) wakeLocked() {
	select {
	case q.wake <- struct{}{}:
	default: // a wake-up is already on its way
	}
}

// close stops the wake-ups; acks added later are dropped.
func (q *ackQueue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	if q.timer != nil {
		q.timer.Stop()
	}
	close(q.wake)
}

func (q *ackQueue) take(into []byte) []byte {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := append(into[:0], q.buf...)
	q.buf = q.buf[:0]
	q.n = 0
	return out
}

// sendAcks sends every queued ack as one frame.
func (c *consumerLoop) sendAcks(q *ackQueue) {
	c.ackBuf = q.take(c.ackBuf)
	if len(c.ackBuf) > 0 {
		if err := c.sendMessage(cmdAcks, c.ackBuf); err != nil {
			c.log.Warn("consumer send", "verb", cmdAcks, "err", err)
		}
	}
}
