package control

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/zones"
	"github.com/runbookhq/runbook/zones/localredis/redistest"
)

func rounds(t *testing.T, zone string) uint64 {
	t.Helper()
	var m dto.Metric
	if err := mRound.WithLabelValues(zone).(prometheus.Histogram).Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetHistogram().GetSampleCount()
}

// With nothing due, control claims about every IdleWait instead of every
// tick (each claim is a Redis round trip and a script); a monitor
// scheduled meanwhile still runs, at most IdleWait after its slot.
func TestIdleZoneClaimsRarelyAndStillSeesNewMonitors(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redistest.Client(t, srv)
	zone := "idle-" + t.Name()
	keys := zones.KeysFor(zone)
	rec := newRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	c := &Control{Zone: zone, Redis: newClient(t, srv.Addr), Sender: rec, Tick: 10 * time.Millisecond, Batch: 100}
	go func() { defer close(done); _ = c.Run(ctx) }()
	defer func() { cancel(); <-done }()

	r0 := rounds(t, zone)
	time.Sleep(2 * time.Second)
	// At a 10 ms tick two seconds were ~200 rounds; idle, ~4.
	if n := rounds(t, zone) - r0; n > 20 {
		t.Fatalf("an idle zone ran %d claim rounds in 2 s at a 10 ms tick, want about 2 s / IdleWait", n)
	}

	m := engine.Monitor{ID: "late-comer", Check: "noop", Interval: engine.Duration(time.Minute)}
	b, _ := json.Marshal(m)
	if err := rdb.Set(context.Background(), keys.Monitor(m.ID), b, 0).Err(); err != nil {
		t.Fatal(err)
	}
	// Due at once: the slot's phase is now.
	if err := rdb.HSet(context.Background(), keys.Intervals(), m.ID, time.Minute.Milliseconds()).Err(); err != nil {
		t.Fatal(err)
	}
	due := redis.Z{Score: float64(time.Now().UnixMilli()), Member: m.ID}
	if err := rdb.ZAdd(context.Background(), keys.Schedule(), due).Err(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		rec.mu.Lock()
		got := len(rec.jobs[m.ID])
		rec.mu.Unlock()
		if got == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a monitor scheduled while control was idle never ran")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
