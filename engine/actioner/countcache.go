package actioner

import (
	"strconv"
	"sync"

	"github.com/runbookhq/runbook/engine"
)

// countCache keeps, per monitor, the counters hash as this actioner last
// committed it, so step one reads only the monitor for a fresh result
// instead of monitor and counters (one command, and a map to parse, less
// per result). It is a guess, never trusted: the commit applies only if
// the hash's "last" is still what the guess says, and a miss is re-read.
type countCache struct {
	mu sync.Mutex
	m  map[string]map[string]string
}

func (c *countCache) get(id string) map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[id]
}

// put stores vals, which must not be changed afterwards (readers share it).
func (c *countCache) put(id string, vals map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxMonCache {
		c.m = make(map[string]map[string]string)
	}
	c.m[id] = vals
}

func (c *countCache) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, id)
}

// committedCounters is the counters hash after res was applied with next
// (the fields prepare writes).
func committedCounters(res engine.Result, next engine.Counters, done bool) map[string]string {
	d := "0"
	if done {
		d = "1"
	}
	return map[string]string{
		fStatus: string(next.Status), fFail: strconv.Itoa(next.FailCount), fSuccess: strconv.Itoa(next.SuccessCount),
		fSince: strconv.FormatInt(next.Since.UnixMilli(), 10), fLast: res.ID,
		fLastAt: strconv.FormatInt(orderAt(res).UnixMilli(), 10), fLastDone: d,
	}
}
