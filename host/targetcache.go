package host

import (
	"encoding/json"
	"sync"

	"github.com/runbookhq/runbook/host/abi"
)

// maxCachedTargets bounds a plugin's targetCache; like the schema's
// accepted set it starts over when full rather than tracking recency.
const maxCachedTargets = 4096

// targetCache keeps the target each config resolves to, by the config's
// exact bytes.
//
// RATIONALE: a network capability checks every address against the
// monitor's target, which is read out of the config. Parsing the config
// with encoding/json on every check cost ~8 µs, more than the guest's
// own http work; a monitor sends the same config bytes on every run.
// Only successes are kept: a bad config is re-read (and its error
// reported) every time, as before.
type targetCache struct {
	mu sync.RWMutex
	m  map[string]target
}

func (c *targetCache) get(m abi.Manifest, config json.RawMessage) (target, error) {
	c.mu.RLock()
	t, ok := c.m[string(config)] // no allocation for the lookup
	c.mu.RUnlock()
	if ok {
		return t, nil
	}
	t, err := targetOf(m, config)
	if err != nil {
		return t, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedTargets {
		c.m = make(map[string]target)
	}
	c.m[string(config)] = t
	c.mu.Unlock()
	return t, nil
}
