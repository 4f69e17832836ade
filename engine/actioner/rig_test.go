package actioner_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/actioner"
	"github.com/runbookhq/runbook/engine/broker"
	"github.com/runbookhq/runbook/engine/control"
	"github.com/runbookhq/runbook/engine/journal"
	"github.com/runbookhq/runbook/engine/store/bolt"
	"github.com/runbookhq/runbook/engine/store/bolt/bolttest"
	"github.com/runbookhq/runbook/engine/worker"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/internal/loopback"
	"github.com/runbookhq/runbook/zones"
	"github.com/runbookhq/runbook/zones/localredis"
	"github.com/runbookhq/runbook/zones/localredis/redistest"
)

// Plugins every rig loads: the trivial check, a real network check and
// the webhook reaction.
var rigPlugins = []string{"host/testdata/plugins/fixed", "http-status", "webhook"}

// rig is one zone's pipeline on real Redis, ZeroMQ, bbolt and wazero.
// Components are started on demand so tests can kill and replace them.
type rig struct {
	t       testing.TB
	zone    string
	srv     *localredis.Server
	rdb     *redis.Client
	keys    zones.Keys
	st      *bolt.Store
	host    *host.Host
	lock    string // plugins.lock path, for child processes
	monitor struct{ front, back string }
	action  struct{ front, back string }
	actions *broker.Producer // pushes results, like the bridge
	resend  time.Duration    // producers' ResendAfter; 0 = default
	log     *slog.Logger
}

var inprocSeq atomic.Int64

func freeEndpoint(t testing.TB) string {
	t.Helper()
	// RUNBOOK_BENCH_INPROC=1: every hop in this process over ZeroMQ's
	// inproc transport (what a one-process deployment could use), to
	// measure what the TCP hops and libzmq's I/O thread cost.
	if os.Getenv("RUNBOOK_BENCH_INPROC") != "" {
		return fmt.Sprintf("inproc://rb-bench-%d", inprocSeq.Add(1))
	}
	ep, err := loopback.Endpoint()
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func newRig(t testing.TB, zone string) *rig {
	t.Helper()
	r := &rig{t: t, zone: zone, keys: zones.KeysFor(zone), log: quietLogger()}
	r.srv = redistest.Start(t)
	// Every actioner slot may hold a connection: size the pool for it.
	r.rdb = redis.NewClient(&redis.Options{Addr: r.srv.Addr, PoolSize: 256})
	t.Cleanup(func() { r.rdb.Close() })
	r.st = bolttest.Open(t)
	r.lock = hosttest.Plugins(t, rigPlugins...)
	r.host = hosttest.NewWithConfig(t, host.Config{LockFile: r.lock, PoolSize: 8, Logger: r.log})
	r.monitor.front, r.monitor.back = freeEndpoint(t), freeEndpoint(t)
	r.action.front, r.action.back = freeEndpoint(t), freeEndpoint(t)
	return r
}

// sameZoneRig is a second zone sharing r's Redis (zones are key
// prefixes), store and host: what two data centers share is the store.
func (r *rig) sameStoreRig(zone string) *rig {
	o := *r
	o.zone, o.keys = zone, zones.KeysFor(zone)
	o.monitor.front, o.monitor.back = freeEndpoint(r.t), freeEndpoint(r.t)
	o.action.front, o.action.back = freeEndpoint(r.t), freeEndpoint(r.t)
	o.actions = nil
	return &o
}

// goStop runs f until the returned stop is called (or the test ends).
func goStop(t testing.TB, f func(ctx context.Context)) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); f(ctx) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

func (r *rig) startBrokers() {
	r.startBroker("monitor-"+r.zone, r.monitor.front, r.monitor.back)
	r.startBroker("action-"+r.zone, r.action.front, r.action.back)
	r.actions = r.producer(r.action.front)
}

// startBroker runs one broker until the returned stop (a crash as far as
// the broker's memory goes) or the end of the test.
func (r *rig) startBroker(name, front, back string) (stop func()) {
	b, err := broker.New(broker.Config{Name: name, Frontend: front, Backend: back, Logger: r.log})
	if err != nil {
		r.t.Fatal(err)
	}
	return goStop(r.t, func(ctx context.Context) {
		// A broker stopped in this process frees its ports when libzmq's
		// reaper gets to it: a restart retries the bind for a while.
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			err := b.Run(ctx)
			if err != nil && strings.Contains(err.Error(), "address already in use") && time.Now().Before(deadline) {
				continue
			}
			if err != nil {
				r.t.Errorf("broker: %v", err)
			}
			return
		}
	})
}

// producer connects to a broker frontend (re-sending after r.resend when
// set, the default otherwise).
func (r *rig) producer(ep string, opts ...broker.ProducerOption) *broker.Producer {
	if r.resend > 0 {
		opts = append(opts, broker.WithResendAfter(r.resend))
	}
	p, err := broker.NewProducer(ep, opts...)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { p.Close() })
	return p
}

// resultProducer is a worker's: healthy results linger, as in a node.
func (r *rig) resultProducer() *broker.Producer {
	return r.producer(r.action.front, broker.WithLinger(worker.Linger))
}

func (r *rig) startControl(batch int) func() {
	return r.startControlTick(batch, 20*time.Millisecond)
}

func (r *rig) startControlTick(batch int, tick time.Duration) func() {
	c := &control.Control{Zone: r.zone, Redis: r.rdb, Sender: r.producer(r.monitor.front), Actions: r.producer(r.action.front),
		Tick: tick, Batch: batch, Logger: r.log}
	return goStop(r.t, func(ctx context.Context) { _ = c.Run(ctx) })
}

func (r *rig) startWorker(conc int) func() {
	w := &worker.Worker{Zone: r.zone, Host: r.host, Results: r.resultProducer(), Logger: r.log}
	return goStop(r.t, func(ctx context.Context) { _ = w.Run(ctx, r.monitor.back, conc) })
}

func (r *rig) newActioner() *actioner.Actioner {
	return &actioner.Actioner{Zone: r.zone, Redis: r.rdb, Journal: journal.New(r.rdb, r.zone), Store: r.st, Host: r.host, Logger: r.log}
}

func (r *rig) startActioner(conc int) func() {
	a := r.newActioner()
	return goStop(r.t, func(ctx context.Context) { _ = a.Run(ctx, r.action.back, conc) })
}

func (r *rig) startFlusher(every time.Duration, batch int) func() {
	j := journal.New(r.rdb, r.zone)
	return goStop(r.t, func(ctx context.Context) { j.Run(ctx, r.st, every, batch, r.log) })
}

// put writes a monitor (store and this zone's Redis, like the bridge) and
// schedules it when it is a scheduled one.
func (r *rig) put(m engine.Monitor) {
	r.t.Helper()
	ctx := context.Background()
	m.Normalize()
	if m.Name == "" {
		m.Name = m.ID
	}
	if len(m.Zones) == 0 {
		m.Zones = []string{r.zone}
	}
	if _, err := r.st.GetMonitor(ctx, m.ID); err != nil {
		if err := r.st.PutMonitor(ctx, m, nil); err != nil {
			r.t.Fatal(err)
		}
	}
	raw, _ := json.Marshal(m)
	if err := r.rdb.Set(ctx, r.keys.Monitor(m.ID), raw, 0).Err(); err != nil {
		r.t.Fatal(err)
	}
	if m.Kind == engine.KindScheduled {
		if err := control.Schedule(ctx, r.rdb, r.keys, m.ID, m.Interval.D(), time.Now()); err != nil {
			r.t.Fatal(err)
		}
	}
}

func (r *rig) putReaction(x engine.Reaction) {
	r.t.Helper()
	ctx := context.Background()
	x.Normalize()
	if x.Name == "" {
		x.Name = x.ID
	}
	if _, err := r.st.GetReaction(ctx, x.ID); err != nil {
		if err := r.st.PutReaction(ctx, x, nil); err != nil {
			r.t.Fatal(err)
		}
	}
	raw, _ := json.Marshal(x)
	if err := r.rdb.Set(ctx, r.keys.Reaction(x.ID), raw, 0).Err(); err != nil {
		r.t.Fatal(err)
	}
}

// push sends a result to the action broker, as the bridge does for
// webhook, heartbeat and manual results.
func (r *rig) push(res engine.Result) {
	r.t.Helper()
	res.Zone = r.zone
	res.EnsureID()
	b, _ := json.Marshal(res)
	if err := r.actions.Send(broker.Message{ID: res.ID, Deadline: time.Now().Add(time.Minute), Payload: b}); err != nil {
		r.t.Fatal(err)
	}
}

// counters reads a monitor's counters hash.
func (r *rig) counters(id string) map[string]string {
	v, err := r.rdb.HGetAll(context.Background(), r.keys.Counters(id)).Result()
	if err != nil {
		r.t.Fatal(err)
	}
	return v
}

// waitDone waits until result id is applied and its reactions ran.
func (r *rig) waitDone(monitorID, resultID string) {
	r.t.Helper()
	waitFor(r.t, 10*time.Second, "result "+resultID+" done", func() bool {
		c := r.counters(monitorID)
		return c["last"] == resultID && c["last_done"] == "1"
	})
}

func waitFor(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out after %s waiting for %s", within, what)
}

// receiver is the webhook reactions' target: it counts calls per path and
// can hold them (a slow reaction).
type receiver struct {
	*httptest.Server
	mu    sync.Mutex
	calls map[string][]map[string]any
	hold  chan struct{} // when non-nil, calls block until it is closed
	got   chan string   // every call's path, as it arrives
}

func newReceiver(t testing.TB) *receiver {
	rc := &receiver{calls: map[string][]map[string]any{}, got: make(chan string, 1000)}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var p map[string]any
		_ = json.NewDecoder(req.Body).Decode(&p)
		rc.mu.Lock()
		rc.calls[req.URL.Path] = append(rc.calls[req.URL.Path], p)
		hold := rc.hold
		rc.mu.Unlock()
		select {
		case rc.got <- req.URL.Path:
		default:
		}
		if hold != nil {
			select {
			case <-hold:
			case <-req.Context().Done():
			}
		}
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) count(path string) int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.calls[path])
}

func webhook(id, url string, trigger int, freq time.Duration, on engine.CallOn, enabled bool) engine.Reaction {
	cfg, _ := json.Marshal(map[string]any{"url": url})
	return engine.Reaction{ID: id, Plugin: "webhook", Config: cfg, Trigger: trigger,
		Frequency: engine.Duration(freq), CallOn: on, Enabled: enabled, Timeout: engine.Duration(5 * time.Second)}
}

func result(monitorID string, s engine.Status, src engine.Source, at time.Time) engine.Result {
	return engine.Result{MonitorID: monitorID, Status: s, Source: src, FinishedAt: at, Message: "pushed " + string(s)}
}
