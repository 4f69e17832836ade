package broker

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// lingerProducer connects a producer with the given linger to r's broker,
// under a metrics name of its own.
func lingerProducer(t *testing.T, r *rig, linger time.Duration) (*Producer, string) {
	t.Helper()
	name := t.Name() + "-linger"
	p, err := NewProducer(r.front, WithLinger(linger), WithName(name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p, name
}

// Ordinary messages sent within one linger reach the broker as one frame
// and are all delivered and finished.
func TestLingeringSendsGoAsOneFrame(t *testing.T) {
	r := startBroker(t, 0)
	c := newCollector()
	consume(t, r.back, 16, c.handler("w", 0))
	p, name := lingerProducer(t, r, 300*time.Millisecond)
	frames := mProducerFrames.WithLabelValues(name)
	before := testutil.ToFloat64(frames) // -count=N runs share the metric

	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := Message{ID: fmt.Sprintf("l%d", i), Deadline: time.Now().Add(time.Minute), Payload: []byte("x")}
			errs <- p.SendAndWait(context.Background(), m, nil)
		}()
	}
	c.wait(t, n, 10*time.Second)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// Senders that started after the first one's linger ended go in a
	// frame of their own; eight goroutines started together take well
	// under the 300 ms linger to queue on any machine.
	if got := testutil.ToFloat64(frames) - before; got > 2 {
		t.Fatalf("%d messages sent within one linger took %v frames, want 1 (2 at most)", n, got)
	}
	if u := p.Unfinished(); u != 0 {
		t.Fatalf("%d messages still unfinished after their OKs", u)
	}
}

// An urgent message does not wait for the linger, and takes the ordinary
// ones lingering with it: with a linger of an hour both arrive.
func TestUrgentSendEndsTheLinger(t *testing.T) {
	r := startBroker(t, 0)
	c := newCollector()
	consume(t, r.back, 4, c.handler("w", 0))
	p, _ := lingerProducer(t, r, time.Hour)

	ordinary := make(chan error, 1)
	go func() {
		ordinary <- p.Send(Message{ID: "healthy", Deadline: time.Now().Add(time.Minute), Payload: []byte("x")})
	}()
	// The ordinary send is lingering once it is queued.
	deadline := time.Now().Add(10 * time.Second)
	for {
		p.qmu.Lock()
		lingering := p.lingering
		p.qmu.Unlock()
		if lingering {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the ordinary send never started to linger")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := p.Send(Message{ID: "failed", Deadline: time.Now().Add(time.Minute), Payload: []byte("x"), Urgent: true}); err != nil {
		t.Fatal(err)
	}
	c.wait(t, 2, 10*time.Second)
	if err := <-ordinary; err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range []string{"healthy", "failed"} {
		if len(c.seen[id]) != 1 {
			t.Fatalf("%s handled %d times, want once", id, len(c.seen[id]))
		}
	}
}

// A lone ordinary message goes once its linger ends, and a consumer with
// an ack linger still reports it finished.
func TestLingeringMessageIsDeliveredAndFinished(t *testing.T) {
	r := startBroker(t, 0)
	c := newCollector()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = Consume(ctx, ConsumerConfig{Backend: r.back, Concurrency: 8, AckLinger: 50 * time.Millisecond}, c.handler("w", 0))
	}()
	t.Cleanup(func() { cancel(); <-done })
	p, _ := lingerProducer(t, r, 50*time.Millisecond)
	for i := 0; i < 3; i++ {
		m := Message{ID: fmt.Sprintf("one%d", i), Deadline: time.Now().Add(time.Minute), Payload: []byte("x")}
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := p.SendAndWait(sctx, m, nil)
		scancel()
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	c.wait(t, 3, 10*time.Second)
}
