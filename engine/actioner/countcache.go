package actioner

import (
	"sync"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// countCache keeps, per monitor, the counters hash as this actioner last
// committed it, so step one reads only the monitor for a fresh result
// instead of monitor and counters (one command, and a map to parse, less
// per result). It is a guess, never trusted: the commit applies only if
// the hash's "last" is still what the guess says, and a miss is re-read.
// Entries are flat rows (one string besides constants), cheap for the
// garbage collector to scan at 100,000 monitors.
type countCache struct {
	mu sync.Mutex
	m  map[string]row
}

func (c *countCache) get(id string) (row, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.m[id]
	return r, ok
}

func (c *countCache) put(id string, r row) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxMonCache {
		c.m = make(map[string]row)
	}
	c.m[id] = r
}

func (c *countCache) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, id)
}

// committedRow is the counters hash after res was applied with next
// (what prepare writes).
func committedRow(res engine.Result, next engine.Counters, done bool) row {
	if next.Since.UnixMilli() <= 0 {
		next.Since = time.Time{} // as readCounters reads it back
	}
	return row{c: next, last: res.ID, lastAt: orderAt(res).UnixMilli(), done: done}
}
