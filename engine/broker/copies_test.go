package broker

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// rawProducer is a producer's two sockets driven by hand, so a test can
// send the same message twice at a moment it chooses (what a re-send
// round that crosses the OK does).
type rawProducer struct {
	send, acks *zmq.Socket
}

func newRawProducer(t *testing.T, front string) *rawProducer {
	t.Helper()
	tok := fmt.Sprintf("raw-%d", time.Now().UnixNano())
	r := &rawProducer{}
	for _, s := range []struct {
		sock **zmq.Socket
		id   string
	}{{&r.acks, ackPrefix + tok}, {&r.send, producerPrefix + tok}} {
		sock, err := zmq.NewSocket(zmq.DEALER)
		if err != nil {
			t.Fatal(err)
		}
		_ = sock.SetIdentity(s.id)
		_ = sock.SetLinger(0)
		_ = sock.SetRcvtimeo(5 * time.Second)
		if err := sock.Connect(front); err != nil {
			t.Fatal(err)
		}
		*s.sock = sock
	}
	t.Cleanup(func() { r.send.Close(); r.acks.Close() })
	return r
}

func (r *rawProducer) sendMsg(t *testing.T, m Message) {
	t.Helper()
	if _, err := r.send.SendMessage(cmdBatch, appendMessage(nil, m)); err != nil {
		t.Fatal(err)
	}
}

// waitOK waits for an OK naming m, sending m again each half second
// like a producer does (the broker drops an OK sent before the ack
// socket's connection is up; its copies are what this file tests).
func (r *rawProducer) waitOK(t *testing.T, m Message) {
	t.Helper()
	id := m.ID
	_ = r.acks.SetRcvtimeo(500 * time.Millisecond)
	for deadline := time.Now().Add(10 * time.Second); ; {
		parts, err := r.acks.RecvMessageBytes(0)
		if err != nil && time.Now().Before(deadline) {
			r.sendMsg(t, m)
			continue
		}
		if err != nil {
			t.Fatalf("no OK for %s: %v", id, err)
		}
		found := false
		_ = unpackIDs(parts[1], func(got []byte) { found = found || string(got) == id })
		if found {
			return
		}
	}
}

// A copy of a message that arrives after the broker finished it (the
// producer re-sent it before the OK reached it) is answered OK again and
// not handed to a consumer a second time.
func TestCopyAfterFinishIsNotRunAgain(t *testing.T) {
	front, back := freeEndpoint(t), freeEndpoint(t)
	startAt(t, t.Name(), front, back)
	var runs atomic.Int64
	consume(t, back, 2, func(ctx context.Context, m Message) { runs.Add(1) })
	p := newRawProducer(t, front)
	m := Message{ID: "once", Deadline: time.Now().Add(time.Minute), Payload: []byte("x")}
	p.sendMsg(t, m)
	p.waitOK(t, m)
	p.sendMsg(t, m)
	// Had the copy been handed out, it would have run before its OK.
	p.waitOK(t, m)
	if got := runs.Load(); got != 1 {
		t.Fatalf("message ran %d times, want 1", got)
	}
}

// The same for a message whose consumer released its slot (the actioner
// running reactions): it is finished for its producer but still in
// flight, and a copy must not start its reactions a second time.
func TestCopyOfReleasedMessageIsNotRunAgain(t *testing.T) {
	front, back := freeEndpoint(t), freeEndpoint(t)
	startAt(t, t.Name(), front, back)
	var runs atomic.Int64
	gate := make(chan struct{})
	consume(t, back, 2, func(ctx context.Context, m Message) {
		runs.Add(1)
		Release(ctx)
		select {
		case <-gate:
		case <-ctx.Done():
		}
	})
	defer close(gate)
	p := newRawProducer(t, front)
	m := Message{ID: "released", Deadline: time.Now().Add(time.Minute), Payload: []byte("x")}
	p.sendMsg(t, m)
	p.waitOK(t, m) // FREE
	p.sendMsg(t, m)
	p.waitOK(t, m)
	if got := runs.Load(); got != 1 {
		t.Fatalf("message ran %d times, want 1", got)
	}
}

// Urgent messages go ahead of ordinary ones queued for a busy consumer.
func TestUrgentGoesAheadOfTheQueue(t *testing.T) {
	p, back, name := brokerWithProducer(t)
	gate, holding := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	var order []string
	consume(t, back, 1, func(ctx context.Context, m Message) {
		if m.ID == "first" {
			close(holding)
			<-gate // holds the only slot while the others queue
		}
		mu.Lock()
		order = append(order, m.ID)
		mu.Unlock()
	})
	received := func() float64 { return testutil.ToFloat64(mReceived.WithLabelValues(name)) }
	r0 := received()
	send := func(id string, urgent bool) {
		if err := p.Send(Message{ID: id, Deadline: time.Now().Add(time.Minute), Payload: []byte("x"), Urgent: urgent}); err != nil {
			t.Fatal(err)
		}
	}
	send("first", false)
	select {
	case <-holding:
	case <-time.After(10 * time.Second):
		t.Fatal("the consumer never got the first message")
	}
	for i := 0; i < 5; i++ {
		send(fmt.Sprintf("n%d", i), false)
	}
	send("u0", true)
	waitUntil(t, 5*time.Second, "all at the broker", func() bool { return received()-r0 >= 7 })
	time.Sleep(50 * time.Millisecond) // received is counted just before queueing
	close(gate)
	waitUntil(t, 5*time.Second, "all handled", func() bool { mu.Lock(); defer mu.Unlock(); return len(order) == 7 })
	if order[1] != "u0" {
		t.Fatalf("handled in order %v, want u0 right after first", order)
	}
}

// A detached handler returns at once with its slot given back; its
// message stays in flight until the end func is called, and end(true)
// has it sent again.
func TestDetachedMessageEndsLater(t *testing.T) {
	p, back, _ := brokerWithProducer(t)
	ends := make(chan func(bool), 4)
	var mu sync.Mutex
	seen := map[string]int{}
	consume(t, back, 1, func(ctx context.Context, m Message) {
		mu.Lock()
		seen[m.ID]++
		mu.Unlock()
		if m.ID == "d" {
			end, ok := Detach(ctx)
			if !ok {
				t.Error("Detach refused in a handler with a free slot")
				return
			}
			ends <- end
		}
	})
	count := func(id string) int { mu.Lock(); defer mu.Unlock(); return seen[id] }
	for _, id := range []string{"d", "x"} {
		if err := p.Send(Message{ID: id, Deadline: time.Now().Add(time.Minute), Payload: []byte("x")}); err != nil {
			t.Fatal(err)
		}
	}
	// One slot: "x" runs only because "d" gave it back.
	waitUntil(t, 5*time.Second, "x handled while d is detached", func() bool { return count("x") == 1 })
	end := <-ends
	end(true)  // not finished: send it again
	end(false) // a second call is ignored
	waitUntil(t, 5*time.Second, "d sent again", func() bool { return count("d") == 2 })
	(<-ends)(false)
	waitUntil(t, 5*time.Second, "both finished", func() bool { return p.Unfinished() == 0 })
}
