package faulttest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/runbookhq/runbook/bridge"
	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store/bolt/bolttest"
	"github.com/runbookhq/runbook/engine/store/storefault"
	"github.com/runbookhq/runbook/host/hosttest"
)

// The bridge dies after reading an entry and before applying it: the entry
// stays queued, and the next bridge applies it, so the monitor is checked.
func TestBridgeKilledBetweenReadAndApply(t *testing.T) {
	ctx := context.Background()
	h := hosttest.New(t, "http-status", "webhook")
	st := bolttest.Open(t)
	const zn = "killed"
	z := startZone(t, zn, st, h)
	tg := newTarget(t)

	// The kill: the first non-empty read ends the bridge's context before
	// it returns the entries, which is what a crash right after reading
	// looks like to the queue.
	f := storefault.Wrap(st)
	bctx, kill := context.WithCancel(ctx)
	read := make(chan struct{})
	var once sync.Once
	f.AfterReadQueue = func(_ context.Context, _ string, entries []engine.QueueEntry) {
		if len(entries) > 0 {
			once.Do(func() { kill(); close(read) })
		}
	}
	first := &bridge.Bridge{Zone: zn, Store: f, Redis: z.rdb, Actions: z.actions, RetainEvery: -1}
	killed := make(chan error, 1)
	go func() { killed <- first.Run(bctx) }()

	must(t, st.PutMonitor(ctx, checkMonitor("shop", tg.URL, nil, zn), []string{zn}))
	select {
	case <-read:
	case <-time.After(10 * time.Second):
		t.Fatal("the bridge never read the entry")
	}
	select {
	case err := <-killed:
		must(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the killed bridge did not stop")
	}
	es, err := st.ReadQueue(ctx, zn, 10)
	must(t, err)
	if len(es) != 1 {
		t.Fatalf("%d entries queued after the kill, want the 1 read but not applied", len(es))
	}
	if n, _ := z.rdb.Exists(ctx, z.keys.Monitor("shop")).Result(); n != 0 {
		t.Fatal("the killed bridge applied the entry after all; the test proves nothing")
	}

	z.startBridge(t, st)
	waitFor(t, 20*time.Second, "the monitor to be checked after the restart", func() bool { return len(history(t, st, "shop")) > 0 })
	es, err = st.ReadQueue(ctx, zn, 10)
	must(t, err)
	if len(es) != 0 {
		t.Errorf("%d entries still queued after the second bridge ran", len(es))
	}
}
