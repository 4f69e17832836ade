package host

import (
	"encoding/json"
	"sync"

	"github.com/runbookhq/runbook/host/abi"
)

// maxMemoConfigs bounds a configMemo; it starts over when full rather
// than tracking recency.
const maxMemoConfigs = 4096

// configMemo keeps a value computed from a config, by the config's exact
// bytes: a monitor sends the same config bytes on every run. Only
// successes are put in, so a bad config is re-checked (and its error
// reported) every time. Both the schema verdict and the target use it.
type configMemo[V any] struct {
	mu sync.RWMutex
	m  map[string]V
}

func (c *configMemo[V]) get(config []byte) (V, bool) {
	c.mu.RLock()
	v, ok := c.m[string(config)] // no allocation for the lookup
	c.mu.RUnlock()
	return v, ok
}

func (c *configMemo[V]) put(config []byte, v V) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxMemoConfigs {
		c.m = make(map[string]V)
	}
	c.m[string(config)] = v
	c.mu.Unlock()
}

// targetCache keeps the target each config resolves to.
//
// RATIONALE: a network capability checks every address against the
// monitor's target, which is read out of the config. Parsing the config
// with encoding/json on every check cost ~8 µs, more than the guest's
// own http work.
type targetCache struct{ memo configMemo[target] }

func (c *targetCache) get(m abi.Manifest, config json.RawMessage) (target, error) {
	if t, ok := c.memo.get(config); ok {
		return t, nil
	}
	t, err := targetOf(m, config)
	if err == nil {
		c.memo.put(config, t)
	}
	return t, err
}
