package broker

import (
	"context"
	"fmt"
	"hash/maphash"
	"log/slog"
	"strconv"
	"time"

	zmq "github.com/pebbe/zmq4"
	"github.com/prometheus/client_golang/prometheus"
)

// Config of one broker device.
type Config struct {
	Name       string // "monitor" or "action": labels logs and metrics
	Frontend   string // endpoint to bind the PULL socket producers push to
	Backend    string // endpoint to bind the ROUTER socket consumers connect to
	QueueLimit int
	Logger     *slog.Logger
}

// Broker load-balances messages from producers over consumers that have
// asked for work. All socket use happens on the goroutine running Run:
// ZeroMQ sockets are not safe to share.
type Broker struct {
	cfg       Config
	log       *slog.Logger
	queue     *queue
	urgent    *queue               // urgent messages, served before queue
	consumers map[string]*consumer // by ROUTER identity
	ready     []string             // consumers with credit, round robin
	inflight  map[string]*flight   // by message id
	back      *zmq.Socket
	lastBeat  time.Time
	lastScan  time.Time // of in-flight deadlines
	dropped   int64
	// dirty lists consumers with packed jobs waiting in their out buffer:
	// everything dispatched in one loop turn goes to a consumer as one
	// JOBS frame.
	dirty []string

	front *zmq.Socket
	// owners maps every message held (queued or in flight) to the ack
	// socket of the producer that sent it: a copy re-sent while we hold it
	// is ignored, and a finished one is reported there.
	owners map[string]string
	// oks holds, per ack socket, the packed ids finished in this loop turn.
	oks     map[string][]byte
	okDirty []string
	okSent  time.Time
	okCount int // ids in oks

	// recent remembers messages finished lately, by a seeded 64-bit hash
	// of their id (no pointers: the garbage collector does not scan it),
	// oldest first in recentOrder: a copy its producer re-sent before the
	// OK reached it is answered OK again instead of being run twice.
	recent      map[uint64]struct{}
	recentOrder []recentID
	seed        maphash.Seed

	// This broker's metric children, resolved once (not per message).
	received, sent, done, resent, dropCount, retried, duplicates prometheus.Counter
	queued, consumersGauge                                       prometheus.Gauge
}

type recentID struct {
	h  uint64
	at int64 // unix ns
}

// deadlineScan spaces the scans for in-flight messages past their
// deadline.
const deadlineScan = 100 * time.Millisecond

// okEvery spaces OK frames to a producer: at a low rate one frame per
// message was a libzmq wake-up on both sides per check. Under load a
// frame goes as soon as okBatch ids wait: workers hold their jobs until
// their results' OK, so a late OK is slots and memory held.
const (
	okEvery = 25 * time.Millisecond
	okBatch = 256
)

// A finished message is remembered for recentFor, and at most recentMax
// of them: copies come from producers' re-send rounds that crossed the
// OK, moments after it.
const (
	recentFor = 5 * time.Second
	recentMax = 200_000
)

type consumer struct {
	id       string
	credit   int
	lastSeen time.Time
	queued   bool   // in b.ready
	out      []byte // packed jobs dispatched, not yet sent (flushOut)
}

type flight struct {
	msg      Message
	consumer string
}

// New checks the config; sockets are opened by Run.
func New(cfg Config) (*Broker, error) {
	if cfg.Frontend == "" || cfg.Backend == "" {
		return nil, fmt.Errorf("broker %q: frontend and backend endpoints are required", cfg.Name)
	}
	if cfg.QueueLimit <= 0 {
		cfg.QueueLimit = 100_000
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	n := cfg.Name
	return &Broker{
		received: mReceived.WithLabelValues(n), sent: mSent.WithLabelValues(n), done: mDone.WithLabelValues(n),
		resent: mResent.WithLabelValues(n), dropCount: mDropped.WithLabelValues(n), retried: mRetried.WithLabelValues(n),
		duplicates: mDuplicates.WithLabelValues(n), queued: mQueued.WithLabelValues(n), consumersGauge: mConsumers.WithLabelValues(n),
		cfg:       cfg,
		log:       cfg.Logger.With("broker", cfg.Name),
		queue:     newQueue(cfg.QueueLimit),
		urgent:    newQueue(cfg.QueueLimit),
		consumers: map[string]*consumer{},
		inflight:  map[string]*flight{},
		owners:    map[string]string{},
		oks:       map[string][]byte{},
		recent:    map[uint64]struct{}{},
		seed:      maphash.MakeSeed(),
	}, nil
}

// Run binds both sockets and moves messages until ctx ends.
func (b *Broker) Run(ctx context.Context) error {
	front, err := bindSocket(zmq.ROUTER, b.cfg.Frontend)
	if err != nil {
		return fmt.Errorf("broker %s frontend: %w", b.cfg.Name, err)
	}
	defer front.Close()
	back, err := bindSocket(zmq.ROUTER, b.cfg.Backend)
	if err != nil {
		return fmt.Errorf("broker %s backend: %w", b.cfg.Name, err)
	}
	defer back.Close()
	// Fail loudly instead of silently dropping a message for a consumer
	// that has gone away between its READY and our JOB.
	if err := back.SetRouterMandatory(1); err != nil {
		return fmt.Errorf("broker %s: %w", b.cfg.Name, err)
	}
	b.back, b.front = back, front
	b.log.Info("broker running", "frontend", b.cfg.Frontend, "backend", b.cfg.Backend)

	// Both sockets wait in Go's netpoller (fdwait.go), not in zmq_poll.
	fw, err := newFDWaiter(front)
	if err != nil {
		return fmt.Errorf("broker %s frontend: %w", b.cfg.Name, err)
	}
	defer fw.close()
	bw, err := newFDWaiter(back)
	if err != nil {
		return fmt.Errorf("broker %s backend: %w", b.cfg.Name, err)
	}
	defer bw.close()
	wake := make(chan struct{}, 1)
	go fw.notify(wake)
	go bw.notify(wake)
	timer := time.NewTimer(Heartbeat / 4)
	defer timer.Stop()
	for ctx.Err() == nil {
		for more := true; more; {
			more = false
			if fw.readable() {
				b.drainFrontend(front)
				more = true
			}
			if bw.readable() {
				b.drainBackend(back)
				more = true
			}
		}
		b.housekeep(time.Now())
		b.flushOut()
		if len(b.okDirty) > 0 && (b.okCount >= okBatch || time.Since(b.okSent) >= okEvery) {
			b.flushOKs()
		}
		// Sends process the sockets' commands, which may have eaten the
		// signal of a message that came meanwhile: look before waiting.
		if fw.readable() || bw.readable() {
			continue
		}
		wait := Heartbeat / 4
		if len(b.okDirty) > 0 {
			wait = min(wait, max(time.Until(b.okSent.Add(okEvery)), time.Millisecond))
		}
		timer.Reset(wait)
		select {
		case <-wake:
		case <-timer.C:
		case <-ctx.Done():
		}
	}
	return nil
}

func bindSocket(t zmq.Type, endpoint string) (*zmq.Socket, error) {
	s, err := zmq.NewSocket(t)
	if err != nil {
		return nil, err
	}
	_ = s.SetLinger(0)
	_ = s.SetRcvhwm(0)
	_ = s.SetSndhwm(0)
	if err := s.Bind(endpoint); err != nil {
		s.Close()
		return nil, fmt.Errorf("binding %s: %w", endpoint, err)
	}
	return s, nil
}

// drainFrontend reads everything pending without blocking, so one poll
// wake-up moves a whole burst. The first frame is the producer's identity.
func (b *Broker) drainFrontend(front *zmq.Socket) {
	for {
		parts, err := front.RecvMessageBytes(zmq.DONTWAIT)
		if err != nil {
			return
		}
		if len(parts) < 2 {
			continue
		}
		owner := ownerOf(parts[0])
		parts = parts[1:]
		switch {
		case len(parts) == 2 && (string(parts[0]) == cmdBatch || string(parts[0]) == cmdBatchUrgent):
			urgent := string(parts[0]) == cmdBatchUrgent
			if err := unpackMessages(parts[1], func(m Message) { m.Urgent = urgent; b.accept(m, owner) }); err != nil {
				b.log.Warn("dropping the rest of a malformed batch", "err", err)
			}
		case len(parts) == 3:
			ms, err := strconv.ParseInt(string(parts[1]), 10, 64)
			if err != nil {
				b.log.Warn("dropping message with bad deadline", "id", string(parts[0]))
				continue
			}
			b.accept(Message{ID: string(parts[0]), Deadline: time.UnixMilli(ms), Payload: parts[2]}, owner)
		default:
			b.log.Warn("dropping malformed message", "frames", len(parts))
		}
	}
}

// ownerOf is the ack socket of the producer named id, "" when it is not
// one of ours.
func ownerOf(id []byte) string {
	if len(id) > len(producerPrefix) && string(id[:len(producerPrefix)]) == producerPrefix {
		return ackPrefix + string(id[len(producerPrefix):])
	}
	return ""
}

// accept dispatches m at once or queues it, dropping (counted) when the
// queue is full. A copy of a message we hold (queued, or in flight even
// after its consumer released the slot) is ignored: its producer re-sent
// it because the OK is slow, and will get it when it comes. A copy of one
// finished lately is answered OK again.
func (b *Broker) accept(m Message, owner string) {
	if owner != "" {
		if _, held := b.owners[m.ID]; held {
			b.owners[m.ID] = owner
			b.duplicates.Inc()
			return
		}
		// In flight, or finished lately (in flight still when released by
		// a FREE): a copy, answered OK again once finished.
		_, flying := b.inflight[m.ID]
		if lately := b.finishedLately(m.ID); flying || lately {
			b.duplicates.Inc()
			if lately {
				b.owners[m.ID] = owner
				b.finished(m.ID)
			}
			return
		}
		b.owners[m.ID] = owner
	}
	b.received.Inc()
	if !b.dispatch(m) && !b.queueFor(m).Push(m) {
		delete(b.owners, m.ID) // its producer sends it again later
		b.dropped++
		b.dropCount.Inc()
		if b.dropped%1000 == 1 { // one line per burst, not one per message
			b.log.Warn("queue full, dropping messages", "id", m.ID, "limit", b.cfg.QueueLimit, "dropped_total", b.dropped)
		}
	}
}

// finished reports mid to its producer (in this loop turn's OK frame).
func (b *Broker) finished(mid string) {
	owner, ok := b.owners[mid]
	if !ok {
		return
	}
	delete(b.owners, mid)
	if len(b.oks[owner]) == 0 {
		b.okDirty = append(b.okDirty, owner)
	}
	b.oks[owner] = appendID(b.oks[owner], mid)
	b.okCount++
	h := maphash.String(b.seed, mid)
	if _, ok := b.recent[h]; !ok {
		b.recent[h] = struct{}{}
		b.recentOrder = append(b.recentOrder, recentID{h: h, at: time.Now().UnixNano()})
	}
}

// finishedLately says whether mid was finished within recentFor. Two ids
// sharing a 64-bit hash within that window are too unlikely to matter.
func (b *Broker) finishedLately(mid string) bool {
	_, ok := b.recent[maphash.String(b.seed, mid)]
	return ok
}

// forgetRecent drops what was finished longer than recentFor ago, or
// past recentMax.
func (b *Broker) forgetRecent(now time.Time) {
	n := 0
	cut := now.Add(-recentFor).UnixNano()
	for n < len(b.recentOrder) && (len(b.recentOrder)-n > recentMax || b.recentOrder[n].at < cut) {
		delete(b.recent, b.recentOrder[n].h)
		n++
	}
	if n > 0 {
		b.recentOrder = b.recentOrder[n:]
		if cap(b.recentOrder) > 2*recentMax && len(b.recentOrder) < recentMax/2 {
			b.recentOrder = append([]recentID(nil), b.recentOrder...)
		}
	}
}

// flushOKs sends each producer the ids finished since the last call. A
// producer that is gone misses them, which is harmless: it is gone.
func (b *Broker) flushOKs() {
	b.okSent = time.Now()
	b.okCount = 0
	for _, owner := range b.okDirty {
		if ids := b.oks[owner]; len(ids) > 0 {
			_, _ = b.front.SendMessage(owner, cmdOK, ids)
		}
		delete(b.oks, owner)
	}
	b.okDirty = b.okDirty[:0]
}

func (b *Broker) drainBackend(back *zmq.Socket) {
	for {
		parts, err := back.RecvMessage(zmq.DONTWAIT)
		if err != nil {
			b.pump()
			return
		}
		if len(parts) < 2 {
			continue
		}
		id, verb := parts[0], parts[1]
		c := b.consumers[id]
		if c == nil {
			c = &consumer{id: id}
			b.consumers[id] = c
			b.log.Info("consumer joined", "consumer", shortID(id))
			if verb != cmdReady {
				// A consumer of our previous life: it would otherwise wait
				// for work we do not know it can take.
				_, _ = back.SendMessage(id, cmdAgain)
			}
		}
		c.lastSeen = time.Now()
		switch verb {
		case cmdReady:
			if len(parts) == 3 {
				if n, err := strconv.Atoi(parts[2]); err == nil && n >= 0 {
					c.credit = n
				}
			}
		case cmdDone, cmdEnd:
			for _, mid := range parts[2:] {
				b.ack(c, verb[0], mid)
			}
		case cmdFree:
			c.credit += len(parts) - 2
		case cmdAcks:
			if len(parts) == 3 {
				if err := unpackAcks([]byte(parts[2]), func(v byte, mid string) { b.ack(c, v, mid) }); err != nil {
					b.log.Warn("malformed acks", "consumer", shortID(id), "err", err)
				}
			}
		case cmdHB:
		default:
			b.log.Warn("unknown verb from consumer", "verb", verb)
		}
		if c.credit > 0 && !c.queued {
			c.queued = true
			b.ready = append(b.ready, id)
		}
	}
}

// ack applies one DONE, FREE, END or RETRY of consumer c. The consumer is
// the authority on its slots: DONE frees one whether or not we still track
// the message (it may have been re-sent after its deadline); FREE frees
// one while the message stays in flight; END never frees one; RETRY frees
// one unless it follows a FREE. The first DONE, FREE or END of a message
// is its OK to the producer.
func (b *Broker) ack(c *consumer, verb byte, mid string) {
	switch verb {
	case ackFree:
		// The actioner releases its slot once the result is committed:
		// what its producer needed to know. Reactions still run; the
		// message stays in flight here until END.
		c.credit++
		if f, ok := b.inflight[mid]; ok && f.consumer == c.id {
			b.finished(mid)
			// Released: its consumer is alive and waits on something slow
			// by design (reactions; a worker's result being committed), and
			// its death is caught by heartbeats. A deadline that passes
			// meanwhile would only run it twice.
			if d := time.Now().Add(ReleasedFor); f.msg.Deadline.Before(d) {
				f.msg.Deadline = d
			}
		}
		return
	case ackRetry, ackRetryEnd:
		if verb == ackRetry {
			c.credit++
		}
		if f, ok := b.inflight[mid]; ok && f.consumer == c.id {
			f.msg.Deadline = time.Now().Add(RetryAfter)
			b.retried.Inc()
		}
		return
	case ackDone, ackEnd:
		if f, ok := b.inflight[mid]; ok && f.consumer == c.id {
			delete(b.inflight, mid)
			b.done.Inc()
			b.finished(mid)
		}
		if verb == ackDone {
			c.credit++
		}
	}
}

// queueFor is where m waits for a slot: urgent messages have their own
// queue, served first.
func (b *Broker) queueFor(m Message) *queue {
	if m.Urgent {
		return b.urgent
	}
	return b.queue
}

// pump hands queued messages to consumers with free slots, urgent ones
// first.
func (b *Broker) pump() {
	for _, q := range [2]*queue{b.urgent, b.queue} {
		for q.Len() > 0 {
			m, _ := q.Pop()
			if !b.dispatch(m) {
				q.PushFront(m)
				break
			}
		}
	}
	b.queued.Set(float64(b.queue.Len() + b.urgent.Len()))
}

// dispatch sends m to the next consumer with credit; false if none has any.
func (b *Broker) dispatch(m Message) bool {
	for len(b.ready) > 0 {
		id := b.ready[0]
		c := b.consumers[id]
		if c == nil || c.credit <= 0 {
			b.ready = b.ready[1:]
			if c != nil {
				c.queued = false
			}
			continue
		}
		if len(c.out) == 0 {
			b.dirty = append(b.dirty, id)
		}
		c.out = appendMessage(c.out, m)
		c.credit--
		b.ready = b.ready[1:]
		if c.credit > 0 {
			b.ready = append(b.ready, id) // round robin
		} else {
			c.queued = false
		}
		b.inflight[m.ID] = &flight{msg: m, consumer: id}
		b.sent.Inc()
		return true
	}
	return false
}

// flushOut sends each consumer the jobs dispatched to it since the last
// call, as one JOBS frame. A consumer that cannot be reached is forgotten,
// which re-queues everything it held, these jobs included.
func (b *Broker) flushOut() {
	for _, id := range b.dirty {
		c := b.consumers[id]
		if c == nil || len(c.out) == 0 {
			continue // forgotten meanwhile: its jobs were re-queued
		}
		_, err := b.back.SendMessage(id, cmdJobs, c.out)
		if cap(c.out) > maxBatchBytes {
			c.out = nil
		} else {
			c.out = c.out[:0]
		}
		if err != nil {
			b.forget(id, "send failed: "+err.Error())
		}
	}
	b.dirty = b.dirty[:0]
}

// housekeep sends heartbeats, buries silent consumers and re-queues the
// jobs they held or whose deadline passed without a DONE.
func (b *Broker) housekeep(now time.Time) {
	if now.Sub(b.lastBeat) >= Heartbeat {
		b.lastBeat = now
		for id := range b.consumers {
			_, _ = b.back.SendMessage(id, cmdHB)
		}
	}
	for id, c := range b.consumers {
		if now.Sub(c.lastSeen) > Liveness*Heartbeat {
			b.forget(id, "missed heartbeats")
		}
	}
	// Deadlines are seconds long: scanning every in-flight message each
	// loop turn (thousands a second under load, with workers holding
	// their jobs until the result is safe) cost more than the messages.
	if now.Sub(b.lastScan) >= deadlineScan {
		b.lastScan = now
		for mid, f := range b.inflight {
			if now.After(f.msg.Deadline) {
				delete(b.inflight, mid)
				b.requeue(f.msg, "deadline passed")
			}
		}
	}
	b.forgetRecent(now)
	b.consumersGauge.Set(float64(len(b.consumers)))
	b.pump()
}

func (b *Broker) forget(id, why string) {
	if _, ok := b.consumers[id]; !ok {
		return
	}
	delete(b.consumers, id)
	n := 0
	for mid, f := range b.inflight {
		if f.consumer == id {
			delete(b.inflight, mid)
			b.requeue(f.msg, why)
			n++
		}
	}
	b.log.Warn("consumer gone", "consumer", shortID(id), "reason", why, "resent", n)
}

// requeue gives a message one more deadline, so a job that keeps killing
// its consumers is not re-sent in a tight loop.
func (b *Broker) requeue(m Message, why string) {
	b.resent.Inc()
	b.log.Info("re-sending message", "id", m.ID, "reason", why)
	m.Deadline = time.Now().Add(2 * Liveness * Heartbeat)
	b.queueFor(m).PushFront(m)
}

func shortID(id string) string {
	return fmt.Sprintf("%x", id)
}
