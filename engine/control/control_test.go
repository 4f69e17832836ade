package control

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/broker"
	"github.com/runbookhq/runbook/zones"
	"github.com/runbookhq/runbook/zones/localredis/redistest"
)

type recorder struct {
	mu   sync.Mutex
	jobs map[string][]engine.Job // by monitor
	ids  map[string]int
}

func newRecorder() *recorder {
	return &recorder{jobs: map[string][]engine.Job{}, ids: map[string]int{}}
}

func (r *recorder) Send(m broker.Message) error {
	var j engine.Job
	if err := json.Unmarshal(m.Payload, &j); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.jobs[j.MonitorID] = append(r.jobs[j.MonitorID], j)
	r.ids[m.ID]++
	return nil
}

func TestFirstDueIsStableAndSpread(t *testing.T) {
	now := time.UnixMilli(1_700_000_000_123)
	iv := 30 * time.Second
	buckets := make([]int, 10)
	for i := 0; i < 10_000; i++ {
		id := fmt.Sprintf("m%d", i)
		d := FirstDue(id, iv, now)
		if d.Before(now) || !d.Before(now.Add(iv)) {
			t.Fatalf("%s due %v not within [now, now+interval)", id, d)
		}
		if again := FirstDue(id, iv, now.Add(7*iv)); again.Sub(d)%iv != 0 {
			t.Fatalf("%s phase moved: %v then %v", id, d, again)
		}
		buckets[int(d.Sub(now)*10/iv)]++
	}
	for i, n := range buckets {
		if n < 800 || n > 1200 {
			t.Errorf("tenth %d of the interval has %d of 10000 first runs: a herd", i, n)
		}
	}
}

// runControls runs k controls for d, stopping the first one at stopFirst
// (0 = never).
func runControls(t *testing.T, zone string, rdbAddr string, rec *recorder, k int, d, stopFirst time.Duration) {
	t.Helper()
	var wg sync.WaitGroup
	for i := 0; i < k; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		if i == 0 && stopFirst > 0 {
			ctx, cancel = context.WithTimeout(context.Background(), stopFirst)
		}
		c := &Control{Zone: zone, Redis: newClient(t, rdbAddr), Sender: rec, Tick: 20 * time.Millisecond, Batch: 7}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer cancel()
			if err := c.Run(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

// Two controls in one zone, one stopped half way: every monitor still runs
// at every slot, exactly once, on its own phase (no drift, no duplicates,
// no gaps).
func TestTwoControlsNeitherDuplicateNorMiss(t *testing.T) {
	for _, tc := range []struct {
		name      string
		controls  int
		stopFirst time.Duration
	}{
		{"one control", 1, 0},
		{"two controls", 2, 0},
		{"two controls, one killed", 2, 1500 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const iv = 500 * time.Millisecond
			srv := redistest.Start(t)
			rdb := redistest.Client(t, srv)
			keys := zones.KeysFor("z")
			ctx := context.Background()
			for i := 0; i < 50; i++ {
				m := engine.Monitor{ID: fmt.Sprintf("m%03d", i), Check: "noop", Interval: engine.Duration(iv)}
				b, _ := json.Marshal(m)
				rdb.Set(ctx, keys.Monitor(m.ID), b, 0)
				if err := Schedule(ctx, rdb, keys, m.ID, iv, time.Now()); err != nil {
					t.Fatal(err)
				}
			}
			rec := newRecorder()
			runControls(t, "z", srv.Addr, rec, tc.controls, 3*time.Second, tc.stopFirst)
			for id, n := range rec.ids {
				if n != 1 {
					t.Errorf("job %s sent %d times", id, n)
				}
			}
			if len(rec.jobs) != 50 {
				t.Fatalf("%d monitors ran, want 50", len(rec.jobs))
			}
			for id, jobs := range rec.jobs {
				sort.Slice(jobs, func(i, j int) bool { return jobs[i].ScheduledAt.Before(jobs[j].ScheduledAt) })
				if len(jobs) < 5 {
					t.Errorf("%s ran %d times in 3s at 500ms", id, len(jobs))
				}
				for i := 1; i < len(jobs); i++ {
					if gap := jobs[i].ScheduledAt.Sub(jobs[i-1].ScheduledAt); gap != iv {
						t.Errorf("%s: slots %v apart, want exactly %v (drift or gap)", id, gap, iv)
					}
				}
			}
		})
	}
}

// After an outage, missed slots are skipped rather than fired in a burst,
// and the monitor keeps its phase.
func TestMissedSlotsAreSkippedNotReplayed(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redistest.Client(t, srv)
	keys := zones.KeysFor("z")
	ctx := context.Background()
	iv := time.Second
	start := time.UnixMilli(1_700_000_000_000)
	m := engine.Monitor{ID: "m", Check: "noop", Interval: engine.Duration(iv)}
	b, _ := json.Marshal(m)
	rdb.Set(ctx, keys.Monitor("m"), b, 0)
	if err := Schedule(ctx, rdb, keys, "m", iv, start); err != nil {
		t.Fatal(err)
	}
	first := FirstDue("m", iv, start)
	later := first.Add(10*iv + 300*time.Millisecond) // control was down 10 slots
	claims, _, err := claimDue(ctx, rdb, keys, later, 100)
	if err != nil || len(claims) != 1 {
		t.Fatalf("claims %v %v, want one", claims, err)
	}
	next, _ := rdb.ZScore(ctx, keys.Schedule(), "m").Result()
	if want := first.Add(11 * iv); int64(next) != want.UnixMilli() {
		t.Fatalf("next slot %v, want %v", time.UnixMilli(int64(next)), want)
	}
	if again, _, _ := claimDue(ctx, rdb, keys, later, 100); len(again) != 0 {
		t.Fatalf("claimed again in the same slot: %v", again)
	}
}

// A monitor deleted from Redis (but still scheduled) is dropped from the
// schedule instead of failing every tick.
func TestDeletedMonitorLeavesSchedule(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redistest.Client(t, srv)
	keys := zones.KeysFor("z")
	ctx := context.Background()
	if err := Schedule(ctx, rdb, keys, "gone", time.Second, time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	claims, _, err := claimDue(ctx, rdb, keys, time.Now().Add(time.Hour), 10)
	if err != nil || len(claims) != 0 {
		t.Fatalf("claims %v %v", claims, err)
	}
	if n, _ := rdb.ZCard(ctx, keys.Schedule()).Result(); n != 0 {
		t.Fatalf("schedule still has %d entries", n)
	}
}
func newClient(t *testing.T, addr string) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { c.Close() })
	return c
}
