package web

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// fakeLister counts reads and answers each owner with n monitors of its
// own, after a delay so concurrent readers overlap.
type fakeLister struct {
	reads atomic.Int64
	delay time.Duration
	n     map[string]int
	mu    sync.Mutex
}

func (f *fakeLister) list(_ context.Context, owner string) ([]engine.Monitor, error) {
	f.reads.Add(1)
	time.Sleep(f.delay)
	f.mu.Lock()
	n := f.n[owner]
	f.mu.Unlock()
	out := make([]engine.Monitor, n)
	for i := range out {
		out[i] = engine.Monitor{ID: fmt.Sprintf("%s-m%d", owner, i), Owner: owner, Status: engine.StatusHealthy}
	}
	return out, nil
}

func TestMonitorIndexSingleflightAndOwners(t *testing.T) {
	f := &fakeLister{delay: 20 * time.Millisecond, n: map[string]int{"a": 3, "b": 2}}
	x := newMonitorIndex(f.list, time.Hour, 100)
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(owner string) {
			defer wg.Done()
			sn, err := x.get(context.Background(), owner)
			if err != nil {
				t.Error(err)
				return
			}
			for _, m := range sn.ms {
				if m.Owner != owner {
					t.Errorf("owner %s got monitor %s of %s", owner, m.ID, m.Owner)
				}
			}
		}([]string{"a", "b"}[i%2])
	}
	wg.Wait()
	if got := f.reads.Load(); got != 2 {
		t.Fatalf("%d store reads for 50 concurrent gets of 2 owners, want 2", got)
	}
	if _, err := x.get(context.Background(), ""); err == nil {
		t.Fatal("owner \"\" must be refused: the store lists every account for it")
	}
}

func TestMonitorIndexInvalidateAndAge(t *testing.T) {
	f := &fakeLister{n: map[string]int{"a": 1}}
	x := newMonitorIndex(f.list, time.Second, 100)
	var clock atomic.Int64 // the fill goroutine reads it too
	clock.Store(time.Unix(1000, 0).UnixNano())
	x.now = func() time.Time { return time.Unix(0, clock.Load()) }
	get := func() int {
		sn, err := x.get(context.Background(), "a")
		if err != nil {
			t.Fatal(err)
		}
		return len(sn.ms)
	}
	get()
	get()
	if f.reads.Load() != 1 {
		t.Fatalf("fresh entry re-read: %d reads", f.reads.Load())
	}
	f.mu.Lock()
	f.n["a"] = 2
	f.mu.Unlock()
	x.invalidate("a")
	if n := get(); n != 2 {
		t.Fatalf("after invalidate: %d monitors, want the write's 2", n)
	}
	clock.Add(int64(999 * time.Millisecond))
	get()
	if f.reads.Load() != 2 {
		t.Fatalf("entry younger than maxAge re-read: %d reads", f.reads.Load())
	}
	clock.Add(int64(time.Millisecond))
	get()
	if f.reads.Load() != 3 {
		t.Fatalf("entry at maxAge served: %d reads, want 3", f.reads.Load())
	}
}

// A write made while a read is in flight must not be hidden by it.
func TestMonitorIndexWriteDuringRead(t *testing.T) {
	f := &fakeLister{delay: 50 * time.Millisecond, n: map[string]int{"a": 1}}
	x := newMonitorIndex(f.list, time.Hour, 100)
	done := make(chan struct{})
	go func() { defer close(done); _, _ = x.get(context.Background(), "a") }()
	time.Sleep(10 * time.Millisecond) // the first read is in flight with n=1
	f.mu.Lock()
	f.n["a"] = 2
	f.mu.Unlock()
	x.invalidate("a")
	sn, err := x.get(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	if len(sn.ms) != 2 {
		t.Fatalf("read after a write joined an older read: %d monitors, want 2", len(sn.ms))
	}
	<-done
}

func TestMonitorIndexBounded(t *testing.T) {
	f := &fakeLister{n: map[string]int{"a": 40, "b": 40, "c": 40, "huge": 500}}
	x := newMonitorIndex(f.list, time.Hour, 100)
	for _, o := range []string{"a", "b", "c", "huge"} {
		if _, err := x.get(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	}
	x.mu.Lock()
	held := x.held
	_, hasA := x.entries["a"]
	_, hasHuge := x.entries["huge"]
	x.mu.Unlock()
	if held > 100 {
		t.Fatalf("%d monitors held, limit 100", held)
	}
	if hasA {
		t.Error("least recently used owner a still held")
	}
	if hasHuge && x.entries["huge"].snap != nil {
		t.Error("an owner larger than the limit was kept")
	}
}
