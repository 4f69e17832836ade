package actioner

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/runbookhq/runbook/engine"
)

// monCache keeps decoded monitors, keyed by id and checked against the
// sha256 of the JSON just read from Redis. Every result needs its
// monitor's reactions, silences, zones and kind, but a monitor's JSON
// changes only when someone edits it: decoding it per result was ~10 µs,
// the digest is well under one. sha256 rather than a faster hash so that
// no crafted edit can make the actioner decide on a stale monitor.
// What the actioner never reads (config, sealed secrets) is not kept.
type monCache struct {
	mu sync.Mutex
	m  map[string]cachedMon
}

type cachedMon struct {
	sum [sha256.Size]byte
	mon engine.Monitor
}

// maxMonCache bounds the cache (deleted monitors leave their entry
// behind); past it the cache starts again empty. A kept monitor is a
// couple of hundred bytes.
const maxMonCache = 1 << 18

func (c *monCache) decode(id string, raw []byte) (engine.Monitor, error) {
	sum := sha256.Sum256(raw)
	c.mu.Lock()
	e, ok := c.m[id]
	c.mu.Unlock()
	if ok && e.sum == sum {
		return e.mon, nil
	}
	var mon engine.Monitor
	if err := json.Unmarshal(raw, &mon); err != nil {
		return mon, fmt.Errorf("decoding monitor %s: %w", id, err)
	}
	mon.Config, mon.SealedSecrets = nil, ""
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxMonCache {
		c.m = make(map[string]cachedMon)
	}
	c.m[id] = cachedMon{sum: sum, mon: mon}
	c.mu.Unlock()
	return mon, nil
}
