package bolt

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// watchers broadcasts "zone's queue grew" to WatchQueue callers. Signals
// are sent after commit, so a reader woken by one always sees the entry.
type watchers struct {
	mu     sync.Mutex
	byZone map[string]map[*watcher]struct{}
	closed bool
}

type watcher struct {
	ch   chan struct{}
	stop func() bool // unregisters the context.AfterFunc
}

func newWatchers() *watchers {
	return &watchers{byZone: map[string]map[*watcher]struct{}{}}
}

var errClosed = errors.New("store is closed")

// add registers a watcher for zone that lives until ctx ends or the store
// closes; either closes its channel so the caller's range loop ends.
func (w *watchers) add(ctx context.Context, zone string) (<-chan struct{}, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil, fmt.Errorf("watch queue %q: %w", zone, errClosed)
	}
	// One buffered slot coalesces bursts: a slow reader gets one wake-up and
	// reads everything that piled up.
	wt := &watcher{ch: make(chan struct{}, 1)}
	if w.byZone[zone] == nil {
		w.byZone[zone] = map[*watcher]struct{}{}
	}
	w.byZone[zone][wt] = struct{}{}
	wt.stop = context.AfterFunc(ctx, func() { w.remove(zone, wt) })
	return wt.ch, nil
}

func (w *watchers) remove(zone string, wt *watcher) {
	w.mu.Lock()
	defer w.mu.Unlock()
	set := w.byZone[zone]
	if _, ok := set[wt]; !ok {
		return // already closed by closeAll
	}
	delete(set, wt)
	if len(set) == 0 {
		delete(w.byZone, zone)
	}
	close(wt.ch)
}

// signal wakes every watcher of the zones, without ever blocking a writer.
func (w *watchers) signal(zones []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, z := range zones {
		for wt := range w.byZone[z] {
			select {
			case wt.ch <- struct{}{}:
			default:
			}
		}
	}
}

func (w *watchers) closeAll() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	for zone, set := range w.byZone {
		for wt := range set {
			wt.stop()
			close(wt.ch)
		}
		delete(w.byZone, zone)
	}
}
