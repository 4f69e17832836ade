package bridge_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/broker"
	"github.com/runbookhq/runbook/engine/store/bolt/bolttest"
)

// startActions runs a real action broker and a consumer on it, returning
// the producer the bridge sends to and what the consumer received.
func startActions(t *testing.T) (*broker.Producer, func() []engine.Result) {
	t.Helper()
	front, back := freeEndpoint(t), freeEndpoint(t)
	b, err := broker.New(broker.Config{Name: t.Name(), Frontend: front, Backend: back, QueueLimit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = b.Run(ctx) }()
	var mu sync.Mutex
	var got []engine.Result
	go func() {
		defer wg.Done()
		_ = broker.Consume(ctx, broker.ConsumerConfig{Backend: back, Concurrency: 4}, func(_ context.Context, m broker.Message) {
			var r engine.Result
			if err := json.Unmarshal(m.Payload, &r); err != nil {
				t.Errorf("consumer got undecodable payload: %v", err)
				return
			}
			mu.Lock()
			got = append(got, r)
			mu.Unlock()
		})
	}()
	p, err := broker.NewProducer(front)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(); cancel(); wg.Wait() })
	return p, func() []engine.Result {
		mu.Lock()
		defer mu.Unlock()
		return append([]engine.Result(nil), got...)
	}
}

// A webhook result queued for the zone reaches a consumer of the zone's
// real ZeroMQ action broker, once, stamped with the zone.
func TestResultEntriesReachTheActionBroker(t *testing.T) {
	ctx := context.Background()
	st := bolttest.Open(t)
	r := newRig(t, "z1", st)
	p, received := startActions(t)
	r.b.Actions = p
	r.run(t)

	var want []string
	for _, id := range []string{"hook-1", "hook-2", "hook-3"} {
		res := engine.Result{ID: id, MonitorID: "shop", Source: engine.SourceWebhook, Status: engine.StatusFailed, FinishedAt: time.Now().UTC()}
		payload, _ := json.Marshal(res)
		if err := st.Enqueue(ctx, "z1", engine.QueueEntry{Op: engine.OpResult, ObjectID: "shop", Payload: payload}); err != nil {
			t.Fatal(err)
		}
		want = append(want, id)
	}
	waitFor(t, 10*time.Second, "three results at the consumer", func() bool { return len(received()) >= 3 })
	time.Sleep(300 * time.Millisecond) // room for a duplicate to show up
	got := received()
	seen := map[string]int{}
	for _, res := range got {
		seen[res.ID]++
		if res.Zone != "z1" {
			t.Errorf("result %s arrived with zone %q, want z1", res.ID, res.Zone)
		}
	}
	for _, id := range want {
		if seen[id] != 1 {
			t.Errorf("result %s delivered %d times, want once", id, seen[id])
		}
	}
	if n := r.pending(t); n != 0 {
		t.Errorf("%d result entries still queued", n)
	}
}
