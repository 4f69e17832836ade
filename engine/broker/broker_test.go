package broker

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/runbookhq/runbook/internal/loopback"
)

func freeEndpoint(t *testing.T) string {
	t.Helper()
	ep, err := loopback.Endpoint()
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

type rig struct {
	front, back string
	prod        *Producer
	name        string
}

func startBroker(t *testing.T, limit int) *rig {
	t.Helper()
	r := &rig{front: freeEndpoint(t), back: freeEndpoint(t), name: t.Name()}
	b, err := New(Config{Name: r.name, Frontend: r.front, Backend: r.back, QueueLimit: limit})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	p, err := NewProducer(r.front)
	if err != nil {
		t.Fatal(err)
	}
	r.prod = p
	t.Cleanup(func() {
		p.Close()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("broker: %v", err)
		}
	})
	return r
}

func (r *rig) send(t *testing.T, n int, deadline time.Duration) {
	t.Helper()
	for i := 0; i < n; i++ {
		m := Message{ID: fmt.Sprintf("m%d", i), Deadline: time.Now().Add(deadline), Payload: []byte(fmt.Sprint(i))}
		if err := r.prod.Send(m); err != nil {
			t.Fatal(err)
		}
	}
}

// collector records which consumer handled which message.
type collector struct {
	mu   sync.Mutex
	seen map[string][]string
	all  chan string
}

func newCollector() *collector {
	return &collector{seen: map[string][]string{}, all: make(chan string, 10000)}
}

func (c *collector) handler(name string, delay time.Duration) Handler {
	return func(ctx context.Context, m Message) {
		time.Sleep(delay)
		c.mu.Lock()
		c.seen[m.ID] = append(c.seen[m.ID], name)
		c.mu.Unlock()
		c.all <- m.ID
	}
}

func (c *collector) wait(t *testing.T, n int, within time.Duration) {
	t.Helper()
	deadline := time.After(within)
	for i := 0; i < n; i++ {
		select {
		case <-c.all:
		case <-deadline:
			t.Fatalf("got %d of %d messages within %s (recv %v sent %v done %v queued %v)", i, n, within, testutil.ToFloat64(mReceived.WithLabelValues(t.Name())),
				testutil.ToFloat64(mSent.WithLabelValues(t.Name())), testutil.ToFloat64(mDone.WithLabelValues(t.Name())), testutil.ToFloat64(mQueued.WithLabelValues(t.Name())))
		}
	}
}

func consume(t *testing.T, backend string, conc int, h Handler) context.CancelFunc {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := Consume(ctx, ConsumerConfig{Backend: backend, Concurrency: conc}, h); err != nil {
			t.Errorf("consume: %v", err)
		}
	}()
	stop := func() { cancel(); <-done }
	t.Cleanup(stop)
	return stop
}

// Every message reaches exactly one consumer, and both consumers share
// the load.
func TestDeliversEachMessageOnceAcrossConsumers(t *testing.T) {
	r := startBroker(t, 10000)
	c := newCollector()
	consume(t, r.back, 4, c.handler("a", time.Millisecond))
	consume(t, r.back, 4, c.handler("b", time.Millisecond))
	const n = 2000
	r.send(t, n, time.Minute)
	c.wait(t, n, 20*time.Second)
	c.mu.Lock()
	defer c.mu.Unlock()
	per := map[string]int{}
	for id, who := range c.seen {
		if len(who) != 1 {
			t.Errorf("%s handled %d times: %v", id, len(who), who)
		}
		per[who[0]]++
	}
	if len(c.seen) != n {
		t.Fatalf("handled %d distinct messages, want %d", len(c.seen), n)
	}
	if per["a"] < n/10 || per["b"] < n/10 {
		t.Errorf("load not shared: %v", per)
	}
}

// A consumer that takes a job and dies without answering does not strand
// it: once it misses its heartbeats the job goes to a live consumer.
func TestJobOfDeadConsumerIsResent(t *testing.T) {
	r := startBroker(t, 1000)
	resent0 := testutil.ToFloat64(mResent.WithLabelValues(r.name)) // -count>1 runs share the counter
	// A raw peer that asks for one job, takes it and vanishes.
	dead, err := zmq.NewSocket(zmq.DEALER)
	if err != nil {
		t.Fatal(err)
	}
	_ = dead.SetLinger(0)
	if err := dead.Connect(r.back); err != nil {
		t.Fatal(err)
	}
	if _, err := dead.SendMessage(cmdReady, "1"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // let READY arrive before the job
	r.send(t, 1, time.Minute)
	_ = dead.SetRcvtimeo(5 * time.Second)
	for {
		parts, err := dead.RecvMessage(0)
		if err != nil {
			t.Fatalf("dead peer did not get the job: %v", err)
		}
		if parts[0] == cmdJob || parts[0] == cmdJobs {
			break
		}
	}
	dead.Close()

	c := newCollector()
	consume(t, r.back, 1, c.handler("live", 0))
	c.wait(t, 1, (Liveness+3)*Heartbeat)
	if got := testutil.ToFloat64(mResent.WithLabelValues(r.name)) - resent0; got != 1 {
		t.Errorf("resent counter = %v, want 1", got)
	}
}

// With nobody consuming, the queue stops at its limit and counts drops
// instead of growing; what it kept is delivered once a consumer comes.
func TestBoundedQueueCountsDrops(t *testing.T) {
	r := startBroker(t, 10)
	dropped0 := testutil.ToFloat64(mDropped.WithLabelValues(r.name)) // -count>1 runs share the counter
	r.send(t, 25, time.Minute)
	deadline := time.Now().Add(5 * time.Second)
	for testutil.ToFloat64(mDropped.WithLabelValues(r.name))-dropped0 < 15 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := testutil.ToFloat64(mDropped.WithLabelValues(r.name)) - dropped0; got != 15 {
		t.Fatalf("dropped = %v, want 15", got)
	}
	c := newCollector()
	consume(t, r.back, 2, c.handler("late", 0))
	c.wait(t, 10, 5*time.Second)
	select {
	case id := <-c.all:
		t.Fatalf("got an 11th message %s", id)
	case <-time.After(300 * time.Millisecond):
	}
}

// A consumer never holds more jobs than its concurrency.
func TestConsumerNeverExceedsConcurrency(t *testing.T) {
	r := startBroker(t, 1000)
	var mu sync.Mutex
	running, peak := 0, 0
	c := newCollector()
	inner := c.handler("x", 5*time.Millisecond)
	consume(t, r.back, 3, func(ctx context.Context, m Message) {
		mu.Lock()
		running++
		if running > peak {
			peak = running
		}
		mu.Unlock()
		inner(ctx, m)
		mu.Lock()
		running--
		mu.Unlock()
	})
	r.send(t, 100, time.Minute)
	c.wait(t, 100, 10*time.Second)
	if peak > 3 {
		t.Fatalf("peak concurrency %d > 3", peak)
	}
}

// A handler that releases its slot lets the consumer take more work while
// it still runs, and its message stays in flight until it returns: with
// one slot, a handler blocked after Release does not stop the others.
func TestReleaseFreesSlotKeepsMessageInFlight(t *testing.T) {
	r := startBroker(t, 1000)
	// Counters are process-wide: with -count>1 this test's name labels
	// every run, so only what this run adds counts.
	done0 := testutil.ToFloat64(mDone.WithLabelValues(r.name))
	c := newCollector()
	unblock := make(chan struct{})
	consume(t, r.back, 1, func(ctx context.Context, m Message) {
		if m.ID == "m0" {
			Release(ctx)
			Release(ctx) // twice is harmless
			<-unblock
		}
		c.handler("x", 0)(ctx, m)
	})
	r.send(t, 1, time.Minute)
	time.Sleep(100 * time.Millisecond)
	for i := 1; i <= 20; i++ {
		m := Message{ID: fmt.Sprintf("m%d", i), Deadline: time.Now().Add(time.Minute), Payload: []byte("x")}
		if err := r.prod.Send(m); err != nil {
			t.Fatal(err)
		}
	}
	c.wait(t, 20, 5*time.Second) // all but the blocked one, through one slot
	close(unblock)
	c.wait(t, 1, 5*time.Second)
	deadline := time.Now().Add(5 * time.Second)
	for testutil.ToFloat64(mDone.WithLabelValues(r.name))-done0 < 21 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := testutil.ToFloat64(mDone.WithLabelValues(r.name)) - done0; got != 21 {
		t.Fatalf("done = %v, want 21", got)
	}
}

// A broker restart: producers queue what they send while it is down (the
// PUSH socket keeps its pipe for the reconnect), the consumer notices the
// silence and re-announces its slots to the new broker, and everything
// sent meanwhile is delivered. What the old broker held (its waiting queue
// and in-flight table) is gone with it; see doc.go.
func TestBrokerRestartLosesNothingSentWhileDown(t *testing.T) {
	front, back := freeEndpoint(t), freeEndpoint(t)
	name := t.Name()
	start := func() (stop func()) {
		b, err := New(Config{Name: name, Frontend: front, Backend: back, QueueLimit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- b.Run(ctx) }()
		return func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("broker: %v", err)
			}
		}
	}
	stop := start()
	p, err := NewProducer(front)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c := newCollector()
	consume(t, back, 2, c.handler("c", 0))
	send := func(from, n int) {
		for i := from; i < from+n; i++ {
			if err := p.Send(Message{ID: fmt.Sprintf("m%d", i), Deadline: time.Now().Add(time.Minute), Payload: []byte("x")}); err != nil {
				t.Fatal(err)
			}
		}
	}
	send(0, 5)
	c.wait(t, 5, 5*time.Second)
	stop()
	// Once the producer's ZeroMQ I/O thread has seen the connection drop,
	// what it is given waits in its pipe for the reconnect. (Messages
	// written in the instant before it noticed can go down with the
	// socket: see doc.go.)
	time.Sleep(300 * time.Millisecond)
	send(5, 20)
	time.Sleep(300 * time.Millisecond)
	stop = start()
	defer stop()
	c.wait(t, 20, (Liveness+4)*Heartbeat)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.seen) != 25 {
		t.Fatalf("delivered %d distinct messages, want 25", len(c.seen))
	}
}

// Packing round-trips messages and acks, and refuses a truncated frame.
func TestPackRoundTrip(t *testing.T) {
	in := []Message{
		{ID: "a", Deadline: time.UnixMilli(1_700_000_000_123), Payload: []byte(`{"x":1}`)},
		{ID: "", Payload: nil},
		{ID: "c\n\x00d", Deadline: time.UnixMilli(-5), Payload: make([]byte, 300)},
	}
	var b []byte
	for _, m := range in {
		b = appendMessage(b, m)
	}
	var out []Message
	if err := unpackMessages(b, func(m Message) { out = append(out, m) }); err != nil {
		t.Fatal(err)
	}
	if len(out) != len(in) {
		t.Fatalf("got %d messages, want %d", len(out), len(in))
	}
	for i := range in {
		if out[i].ID != in[i].ID || !out[i].Deadline.Equal(in[i].Deadline) || string(out[i].Payload) != string(in[i].Payload) {
			t.Errorf("message %d: got %+v, want %+v", i, out[i], in[i])
		}
	}
	if err := unpackMessages(b[:len(b)-1], func(Message) {}); err == nil {
		t.Error("a truncated frame unpacked without error")
	}
	a := appendAck(appendAck(nil, ackFree, "x"), ackEnd, "x")
	var got []string
	if err := unpackAcks(a, func(v byte, id string) { got = append(got, string(v)+id) }); err != nil || fmt.Sprint(got) != "[Fx Ex]" {
		t.Fatalf("acks %v %v", got, err)
	}
}
