package web

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// monitorIndex keeps each account's monitor list in memory for at most
// maxAge (the live stream's PollInterval), so the dashboard, the summary
// API and every live stream of one account share one store read per
// interval instead of each decoding every monitor (~80 ms for 10,000 on
// bolt). Concurrent readers of a missing or stale entry wait for a single
// store read (singleflight).
//
// Staleness: a status written by an actioner, or a change made through
// another web process, shows within maxAge, the same as the live stream.
// This process's own writes invalidate the owner's entry at once, so the
// page after a save always shows the save.
//
// Memory: at most limit monitors are held over all owners. A snapshot
// older than maxAge is useless (the next reader reloads it), so those are
// dropped first, then the least recently used; an owner with more than
// limit monitors is never kept, only singleflighted.
type monitorIndex struct {
	load   func(ctx context.Context, owner string) ([]engine.Monitor, error)
	maxAge time.Duration
	limit  int
	now    func() time.Time

	mu      sync.Mutex
	entries map[string]*indexEntry
	held    int          // monitors held in snapshots
	reads   atomic.Int64 // store reads, for tests and figures
}

type indexEntry struct {
	snap    *monitorSnapshot
	gen     uint64 // bumped by invalidate; a snapshot of an older gen is stale
	used    time.Time
	loading *indexLoad
}

type indexLoad struct {
	gen  uint64
	done chan struct{}
	snap *monitorSnapshot
	err  error
}

// monitorSnapshot is one account's monitors as read at one time. It is
// shared by concurrent requests: treat every field as read-only (copy a
// monitor before changing it).
type monitorSnapshot struct {
	ms      []engine.Monitor // ordered by id, as the store lists them
	search  []string         // lower-cased "name id check", per monitor
	summary summary
	live    map[string]liveMonitor
	gen     uint64
	at      time.Time // when the store read started
}

// errNoOwner guards the one dangerous call: the store lists every
// account's monitors for owner "".
var errNoOwner = errors.New("monitor index: owner is required")

// indexLoadTimeout bounds a shared store read: it outlives the request
// that started it (others wait on it) but not forever.
const indexLoadTimeout = 30 * time.Second

func newMonitorIndex(load func(context.Context, string) ([]engine.Monitor, error), maxAge time.Duration, limit int) *monitorIndex {
	return &monitorIndex{load: load, maxAge: maxAge, limit: limit, now: time.Now, entries: map[string]*indexEntry{}}
}

// get returns owner's monitors, at most maxAge old and never older than
// this process's last write for owner.
func (x *monitorIndex) get(ctx context.Context, owner string) (*monitorSnapshot, error) {
	if owner == "" {
		return nil, errNoOwner
	}
	x.mu.Lock()
	e := x.entries[owner]
	if e == nil {
		e = &indexEntry{}
		x.entries[owner] = e
	}
	now := x.now()
	e.used = now
	if sn := e.snap; sn != nil && sn.gen == e.gen && now.Sub(sn.at) < x.maxAge {
		x.mu.Unlock()
		return sn, nil
	}
	// Join a read in flight only if it started after the last write;
	// an older one would miss it.
	l := e.loading
	if l == nil || l.gen != e.gen {
		l = &indexLoad{gen: e.gen, done: make(chan struct{})}
		e.loading = l
		go x.fill(owner, e, l, now)
	}
	x.mu.Unlock()
	select {
	case <-l.done:
		return l.snap, l.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// fill reads owner's monitors for l; it runs on its own goroutine so a
// waiter that gives up does not cancel the read for the others.
func (x *monitorIndex) fill(owner string, e *indexEntry, l *indexLoad, started time.Time) {
	ctx, cancel := context.WithTimeout(context.Background(), indexLoadTimeout)
	defer cancel()
	x.reads.Add(1)
	ms, err := x.load(ctx, owner)
	var sn *monitorSnapshot
	if err == nil {
		sn = newSnapshot(ms, l.gen, started)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	l.snap, l.err = sn, err
	close(l.done)
	if e.loading == l {
		e.loading = nil
	}
	if err != nil || x.entries[owner] != e || l.gen != e.gen || len(ms) > x.limit {
		return
	}
	if e.snap != nil {
		x.held -= len(e.snap.ms)
	}
	e.snap = sn
	x.held += len(ms)
	x.evict(e)
}

// evict drops snapshots until at most limit monitors are held, keeping
// keep: first the stale ones, then the least recently used.
func (x *monitorIndex) evict(keep *indexEntry) {
	now := x.now()
	for owner, e := range x.entries {
		if e != keep && (e.snap == nil || now.Sub(e.snap.at) >= x.maxAge) {
			x.drop(owner, e)
		}
	}
	for x.held > x.limit {
		var oldest *indexEntry
		var name string
		for owner, e := range x.entries {
			if e != keep && e.snap != nil && (oldest == nil || e.used.Before(oldest.used)) {
				oldest, name = e, owner
			}
		}
		if oldest == nil {
			return
		}
		x.drop(name, oldest)
	}
}

func (x *monitorIndex) drop(owner string, e *indexEntry) {
	if e.snap != nil {
		x.held -= len(e.snap.ms)
		e.snap = nil
	}
	if e.loading == nil {
		delete(x.entries, owner)
	}
}

// invalidate makes the next get for owner read the store. Every write
// the web makes to a monitor calls it, after the write.
func (x *monitorIndex) invalidate(owner string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if e := x.entries[owner]; e != nil {
		e.gen++
	}
}

func newSnapshot(ms []engine.Monitor, gen uint64, at time.Time) *monitorSnapshot {
	sn := &monitorSnapshot{ms: ms, search: make([]string, len(ms)), summary: summarize(ms),
		live: make(map[string]liveMonitor, len(ms)), gen: gen, at: at}
	for i, m := range ms {
		sn.search[i] = strings.ToLower(m.Name + " " + m.ID + " " + m.Check)
		sn.live[m.ID] = toLive(m)
	}
	return sn
}
