package web

import (
	"context"
	"sync"
	"time"
)

// sealedTTL is how long a monitor's sealed timeline (uptime.go) is kept.
// Rows only reach a closed hour late when a zone replays its write-behind
// log after a store outage; such rows show in uptime within this time.
const sealedTTL = 5 * time.Minute

// sealedCache keeps sealed timelines of recently viewed monitors, bounded
// by the buckets held over all of them (a bucket is ~300 bytes; a year
// of one monitor is ~2,500 buckets). Keys are monitor ids: callers check
// ownership before asking, and the timeline holds no owner data beyond
// counts and durations.
type sealedCache struct {
	limit int // buckets
	mu    sync.Mutex
	m     map[string]*sealed
	held  int
}

func newSealedCache(limit int) *sealedCache {
	return &sealedCache{limit: limit, m: map[string]*sealed{}}
}

func (c *sealedCache) get(ctx context.Context, id string, now time.Time, build func(context.Context, string, time.Time) (*sealed, error)) (*sealed, error) {
	c.mu.Lock()
	sl := c.m[id]
	c.mu.Unlock()
	// A sealed part is reused within its TTL; it may then end an hour or
	// more before now, which the caller reads raw.
	if sl != nil && now.Sub(sl.built) < sealedTTL && !now.Before(sl.until) {
		return sl, nil
	}
	sl, err := build(ctx, id, now)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[id]; old != nil {
		c.held -= len(old.buckets)
	}
	if len(sl.buckets) > c.limit {
		delete(c.m, id)
		return sl, nil
	}
	c.m[id] = sl
	c.held += len(sl.buckets)
	// Expired ones first, then any, until within the limit.
	for _, expiredOnly := range []bool{true, false} {
		for id2, o := range c.m {
			if c.held <= c.limit {
				return sl, nil
			}
			if id2 != id && (!expiredOnly || now.Sub(o.built) >= sealedTTL) {
				delete(c.m, id2)
				c.held -= len(o.buckets)
			}
		}
	}
	return sl, nil
}

// forget drops a monitor's sealed timeline (it was deleted).
func (c *sealedCache) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if o := c.m[id]; o != nil {
		c.held -= len(o.buckets)
		delete(c.m, id)
	}
}
