package actioner_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/broker"
)

// An actioner killed (SIGKILL) while a reaction runs: the broker re-sends
// the result to another actioner, whose apply step finds it already
// applied (counters.last = the result, last_done = 0) and runs only the
// reactions. Counters move once, history and event are written once; the
// reaction itself is at-least-once (the killed run may have reached its
// target, as it did here).
func TestActionerKilledMidReaction(t *testing.T) {
	r := newRig(t, "z")
	r.startBrokers()
	rc := newReceiver(t)
	hold := make(chan struct{})
	rc.hold = hold
	r.putReaction(webhook("notify", rc.URL+"/notify", 1, 0, engine.CallOnFailed, true))
	r.put(engine.Monitor{ID: "shop", Kind: engine.KindWebhook, Reactions: []string{"notify"}})
	kill := r.startChild(t, "actioner")

	res := result("shop", F, engine.SourceWebhook, time.Now())
	res.EnsureID()
	r.push(res)
	select {
	case <-rc.got:
	case <-time.After(30 * time.Second):
		t.Fatal("the child actioner never ran the reaction")
	}
	kill()
	c := r.counters("shop")
	if c["last"] != res.ID || c["last_done"] != "0" || c["failcount"] != "1" {
		t.Fatalf("after the kill counters = %v, want applied but not done", c)
	}
	rc.mu.Lock()
	rc.hold = nil
	rc.mu.Unlock()
	close(hold)

	r.startActioner(2)
	waitFor(t, (broker.Liveness+5)*broker.Heartbeat, "re-sent result done", func() bool {
		return r.counters("shop")["last_done"] == "1"
	})
	c = r.counters("shop")
	if c["failcount"] != "1" || c["status"] != "failed" {
		t.Errorf("counters %v: the re-sent result was applied twice", c)
	}
	ctx := context.Background()
	for key, want := range map[string]int64{r.keys.BehindHistory(): 1, r.keys.BehindEvents(): 1, r.keys.BehindReactionLogs(): 1} {
		if n, _ := r.rdb.LLen(ctx, key).Result(); n != want {
			t.Errorf("%s has %d rows, want %d", key, n, want)
		}
	}
	var log engine.ReactionLog
	raw, _ := r.rdb.LIndex(ctx, r.keys.BehindReactionLogs(), 0).Result()
	_ = json.Unmarshal([]byte(raw), &log)
	if log.Outcome != engine.OutcomeExecuted || log.ResultID != res.ID {
		t.Errorf("reaction log %+v, want executed for %s", log, res.ID)
	}
	if n := rc.count("/notify"); n != 2 {
		t.Errorf("receiver saw %d calls, want 2 (killed run + re-run)", n)
	}
}

// A worker killed (SIGKILL) mid-check: its job is re-sent to a live worker
// once the broker misses its heartbeats, and every scheduled slot ends up
// as a history row in the store: nothing is lost.
func TestWorkerKilledMidCheck(t *testing.T) {
	r := newRig(t, "z")
	r.startBrokers()
	r.startActioner(4)
	r.startFlusher(50*time.Millisecond, 1000)
	var mu sync.Mutex
	var first chan struct{} = make(chan struct{})
	hold := make(chan struct{})
	holding := true
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		h := holding
		holding = false
		mu.Unlock()
		if h {
			close(first)
			select { // the check the killed worker is running
			case <-hold:
			case <-req.Context().Done():
			}
		}
	}))
	defer target.Close()
	defer close(hold)
	cfg, _ := json.Marshal(map[string]any{"url": target.URL + "/health"})
	kill := r.startChild(t, "worker")
	time.Sleep(300 * time.Millisecond) // let the child announce itself first
	r.put(engine.Monitor{ID: "web", Check: "http-status", Config: cfg, Interval: engine.Duration(time.Second), Timeout: engine.Duration(20 * time.Second)})
	stopControl := r.startControl(100)
	select {
	case <-first:
	case <-time.After(30 * time.Second):
		t.Fatal("the child worker never ran the check")
	}
	kill()
	r.startWorker(2)
	time.Sleep((broker.Liveness + 3) * broker.Heartbeat)
	stopControl()

	ctx := context.Background()
	var hist []engine.Result
	waitFor(t, 15*time.Second, "every slot in the store", func() bool {
		hist, _ = r.st.History(ctx, "web", store0())
		if len(hist) < 5 {
			return false
		}
		sort.Slice(hist, func(i, j int) bool { return hist[i].ScheduledAt.Before(hist[j].ScheduledAt) })
		for i := 1; i < len(hist); i++ {
			if hist[i].ScheduledAt.Sub(hist[i-1].ScheduledAt) != time.Second {
				return false
			}
		}
		return true
	})
	if resent := counterValue(t, "runbook_broker_resent_total", "monitor-z"); resent < 1 {
		t.Errorf("monitor broker re-sent %v jobs, want at least 1", resent)
	}
	for _, h := range hist {
		if h.Status != engine.StatusHealthy || h.Zone != "z" || h.Digest == "" {
			t.Errorf("history row %+v", h)
		}
	}
}

// counterValue reads a counter from the default Prometheus registry.
func counterValue(t testing.TB, name, label string) float64 {
	t.Helper()
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if lp.GetValue() == label {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// A worker killed (SIGKILL) after it sent its result but before the
// result was committed, and the action broker that held the result gone
// too (restarted): the worker's producer, which would have sent the
// result again, died with it. The worker held its job until the result's
// OK, so the monitor broker still has the job in flight, re-sends it to a
// live worker once the dead one misses its heartbeats, and the slot's
// result is applied and stored exactly once.
func TestWorkerKilledBeforeItsResultWasSafe(t *testing.T) {
	r := newRig(t, "z")
	r.startBroker("monitor-z", r.monitor.front, r.monitor.back)
	stopAction := r.startBroker("action-z", r.action.front, r.action.back)
	r.startFlusher(50*time.Millisecond, 1000)
	r.put(engine.Monitor{ID: "solo", Check: "fixed", Config: json.RawMessage(`{"status":"failed"}`), Interval: engine.Duration(time.Hour)})
	received0 := counterValue(t, "runbook_broker_received_total", "action-z")
	resent0 := counterValue(t, "runbook_broker_resent_total", "monitor-z")
	kill := r.startChild(t, "worker")
	time.Sleep(300 * time.Millisecond) // let the child announce itself

	at := time.Now().Truncate(time.Second)
	job := engine.Job{ID: engine.ResultID("solo", "z", at), MonitorID: "solo", Zone: "z", Check: "fixed",
		Config: json.RawMessage(`{"status":"failed"}`), ScheduledAt: at, Timeout: engine.Duration(10 * time.Second)}
	raw, _ := json.Marshal(job)
	jobs := r.producer(r.monitor.front)
	if err := jobs.Send(broker.Message{ID: job.ID, Deadline: time.Now().Add(time.Minute), Payload: raw}); err != nil {
		t.Fatal(err)
	}
	// No actioner yet: the result waits at the action broker, unfinished.
	waitFor(t, 30*time.Second, "the result at the action broker", func() bool {
		return counterValue(t, "runbook_broker_received_total", "action-z")-received0 >= 1
	})
	kill()
	stopAction() // and what it held is gone
	r.startBroker("action-z", r.action.front, r.action.back)
	r.startWorker(1)
	r.startActioner(2)

	waitFor(t, (broker.Liveness+15)*broker.Heartbeat, "the slot's result applied", func() bool {
		return r.counters("solo")["last"] == job.ID
	})
	if resent := counterValue(t, "runbook_broker_resent_total", "monitor-z") - resent0; resent < 1 {
		t.Errorf("monitor broker re-sent %v jobs, want at least 1", resent)
	}
	ctx := context.Background()
	var hist []engine.Result
	waitFor(t, 10*time.Second, "the result in the store", func() bool {
		hist, _ = r.st.History(ctx, "solo", store0())
		return len(hist) >= 1
	})
	time.Sleep(300 * time.Millisecond) // a second copy, if any, would land by now
	hist, _ = r.st.History(ctx, "solo", store0())
	if len(hist) != 1 || hist[0].ID != job.ID || hist[0].Status != engine.StatusFailed {
		t.Fatalf("history %+v, want the one failed result %s", hist, job.ID)
	}
	if c := r.counters("solo"); c["failcount"] != "1" {
		t.Errorf("failcount %q, want 1 (applied once)", c["failcount"])
	}
}
