package broker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	zmq "github.com/pebbe/zmq4"
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
	consumers map[string]*consumer // by ROUTER identity
	ready     []string             // consumers with credit, round robin
	inflight  map[string]*flight   // by message id
	back      *zmq.Socket
	lastBeat  time.Time
	dropped   int64
}

type consumer struct {
	id       string
	credit   int
	lastSeen time.Time
	queued   bool // in b.ready
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
	return &Broker{
		cfg:       cfg,
		log:       cfg.Logger.With("broker", cfg.Name),
		queue:     newQueue(cfg.QueueLimit),
		consumers: map[string]*consumer{},
		inflight:  map[string]*flight{},
	}, nil
}

// Run binds both sockets and moves messages until ctx ends.
func (b *Broker) Run(ctx context.Context) error {
	front, err := bindSocket(zmq.PULL, b.cfg.Frontend)
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
	b.back = back
	b.log.Info("broker running", "frontend", b.cfg.Frontend, "backend", b.cfg.Backend)

	poller := zmq.NewPoller()
	poller.Add(front, zmq.POLLIN)
	poller.Add(back, zmq.POLLIN)
	for ctx.Err() == nil {
		polled, err := poller.Poll(Heartbeat / 4)
		if err != nil {
			if errors.Is(err, zmq.Errno(zmq.ETERM)) {
				return nil
			}
			if zmq.AsErrno(err) == zmq.Errno(4) { // EINTR
				continue
			}
			return fmt.Errorf("broker %s poll: %w", b.cfg.Name, err)
		}
		for _, p := range polled {
			switch p.Socket {
			case front:
				b.drainFrontend(front)
			case back:
				b.drainBackend(back)
			}
		}
		b.housekeep(time.Now())
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
// wake-up moves a whole burst.
func (b *Broker) drainFrontend(front *zmq.Socket) {
	for {
		parts, err := front.RecvMessageBytes(zmq.DONTWAIT)
		if err != nil {
			return
		}
		if len(parts) != 3 {
			b.log.Warn("dropping malformed message", "frames", len(parts))
			continue
		}
		ms, err := strconv.ParseInt(string(parts[1]), 10, 64)
		if err != nil {
			b.log.Warn("dropping message with bad deadline", "id", string(parts[0]))
			continue
		}
		mReceived.WithLabelValues(b.cfg.Name).Inc()
		m := Message{ID: string(parts[0]), Deadline: time.UnixMilli(ms), Payload: parts[2]}
		if !b.dispatch(m) && !b.queue.Push(m) {
			b.dropped++
			mDropped.WithLabelValues(b.cfg.Name).Inc()
			if b.dropped%1000 == 1 { // one line per burst, not one per message
				b.log.Warn("queue full, dropping messages", "id", m.ID, "limit", b.cfg.QueueLimit, "dropped_total", b.dropped)
			}
		}
	}
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
			// The consumer is the authority on its slots: DONE frees one
			// whether or not we still track the message (it may have been
			// re-sent after its deadline); END never does.
			for _, mid := range parts[2:] {
				if f, ok := b.inflight[mid]; ok && f.consumer == id {
					delete(b.inflight, mid)
					mDone.WithLabelValues(b.cfg.Name).Inc()
				}
				if verb == cmdDone {
					c.credit++
				}
			}
		case cmdFree:
			c.credit += len(parts) - 2
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

// pump hands queued messages to consumers with free slots.
func (b *Broker) pump() {
	for b.queue.Len() > 0 {
		m, _ := b.queue.Pop()
		if !b.dispatch(m) {
			b.queue.PushFront(m)
			break
		}
	}
	mQueued.WithLabelValues(b.cfg.Name).Set(float64(b.queue.Len()))
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
		if _, err := b.back.SendMessage(id, cmdJob, m.ID, m.Payload); err != nil {
			// Unroutable: the consumer is gone. Forget it and try the next.
			b.forget(id, "send failed: "+err.Error())
			continue
		}
		c.credit--
		b.ready = b.ready[1:]
		if c.credit > 0 {
			b.ready = append(b.ready, id) // round robin
		} else {
			c.queued = false
		}
		b.inflight[m.ID] = &flight{msg: m, consumer: id}
		mSent.WithLabelValues(b.cfg.Name).Inc()
		return true
	}
	return false
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
	for mid, f := range b.inflight {
		if now.After(f.msg.Deadline) {
			delete(b.inflight, mid)
			b.requeue(f.msg, "deadline passed")
		}
	}
	mConsumers.WithLabelValues(b.cfg.Name).Set(float64(len(b.consumers)))
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
	mResent.WithLabelValues(b.cfg.Name).Inc()
	b.log.Info("re-sending message", "id", m.ID, "reason", why)
	m.Deadline = time.Now().Add(2 * Liveness * Heartbeat)
	b.queue.PushFront(m)
}

func shortID(id string) string {
	return fmt.Sprintf("%x", id)
}
