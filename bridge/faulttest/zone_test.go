package faulttest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/bridge"
	"github.com/runbookhq/runbook/engine/actioner"
	"github.com/runbookhq/runbook/engine/broker"
	"github.com/runbookhq/runbook/engine/control"
	"github.com/runbookhq/runbook/engine/journal"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/worker"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/internal/loopback"
	"github.com/runbookhq/runbook/zones"
	"github.com/runbookhq/runbook/zones/localredis"
	"github.com/runbookhq/runbook/zones/localredis/redistest"
)

func TestMain(m *testing.M) { hosttest.Main(m) }

// zone is one Runbook zone wired the way cmd/runbook/internal/node wires
// it, with the bridge started separately so a test can kill and restart
// it.
type zone struct {
	name    string
	st      store.Store
	srv     *localredis.Server
	rdb     *redis.Client
	keys    zones.Keys
	journal *journal.Journal
	actions *broker.Producer
}

func endpoint(t *testing.T) string {
	t.Helper()
	ep, err := loopback.Endpoint()
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

// group runs goroutines until the test ends, then stops and waits for them.
type group struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newGroup(t *testing.T) *group {
	ctx, cancel := context.WithCancel(context.Background())
	g := &group{ctx: ctx, cancel: cancel}
	t.Cleanup(g.stop)
	return g
}

func (g *group) stop() { g.cancel(); g.wg.Wait() }

func (g *group) go_(t *testing.T, what string, fn func(ctx context.Context) error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := fn(g.ctx); err != nil && g.ctx.Err() == nil {
			t.Errorf("%s: %v", what, err)
		}
	}()
}

// startZone runs brokers, control, worker, actioner and journal flusher of
// zone name against st, on a fresh redis-server.
func startZone(t *testing.T, name string, st store.Store, h *host.Host) *zone {
	t.Helper()
	srv := redistest.Start(t)
	rdb := redistest.Client(t, srv)
	z := &zone{name: name, st: st, srv: srv, rdb: rdb, keys: zones.KeysFor(name), journal: journal.New(rdb, name)}
	g := newGroup(t)
	mfront, mback, afront, aback := endpoint(t), endpoint(t), endpoint(t), endpoint(t)
	for _, b := range []struct{ name, front, back string }{{"monitor", mfront, mback}, {"action", afront, aback}} {
		br, err := broker.New(broker.Config{Name: name + "-" + b.name, Frontend: b.front, Backend: b.back, QueueLimit: 10000})
		if err != nil {
			t.Fatal(err)
		}
		g.go_(t, "broker "+b.name, br.Run)
	}
	producer := func(ep string) *broker.Producer {
		p, err := broker.NewProducer(ep)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		return p
	}
	c := &control.Control{Zone: name, Redis: rdb, Sender: producer(mfront), Tick: 20 * time.Millisecond, Batch: 100}
	g.go_(t, "control", c.Run)
	w := &worker.Worker{Zone: name, Host: h, Results: producer(afront)}
	g.go_(t, "worker", func(ctx context.Context) error { return w.Run(ctx, mback, 4) })
	a := &actioner.Actioner{Zone: name, Redis: rdb, Journal: z.journal, Store: st, Host: h}
	g.go_(t, "actioner", func(ctx context.Context) error { return a.Run(ctx, aback, 4) })
	g.go_(t, "journal", func(ctx context.Context) error { z.journal.Run(ctx, st, 50*time.Millisecond, 1000, nil); return nil })
	z.actions = producer(afront)
	return z
}

// startBridge runs the zone's bridge on st (which may be a fault wrapper
// of the zone's store) until the returned stop is called or the test ends.
func (z *zone) startBridge(t *testing.T, st store.Store) (stop func()) {
	t.Helper()
	b := &bridge.Bridge{Zone: z.name, Store: st, Redis: z.rdb, Actions: z.actions, RetainEvery: -1}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := b.Run(ctx); err != nil {
			t.Errorf("bridge %s: %v", z.name, err)
		}
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

func (z *zone) bridge(st store.Store) *bridge.Bridge {
	return &bridge.Bridge{Zone: z.name, Store: st, Redis: z.rdb, Actions: z.actions}
}

// metric sums a counter of the default registry over every series whose
// zone label is zone and whose other labels match want.
func metric(t *testing.T, name, zone string, want map[string]string) float64 {
	t.Helper()
	fams, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
	series:
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["zone"] != zone {
				continue
			}
			for k, v := range want {
				if labels[k] != v {
					continue series
				}
			}
			total += m.GetCounter().GetValue()
		}
	}
	return total
}

func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}
