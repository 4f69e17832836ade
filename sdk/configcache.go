package sdk

import "sync"

// maxCachedConfigs bounds configCache. A pooled instance serves any of
// its plugin's monitors, so it must hold them all or nearly: past the
// bound each call decodes its config by reflection again (tens of µs in
// a wasm guest). A decoded config is a few hundred bytes; 1,024 of them
// are well inside an instance's memory limit.
const maxCachedConfigs = 1024

// configCache keeps decoded and validated configs by their raw bytes.
//
// RATIONALE: a monitor's config does not change between runs, yet
// decoding it into the author's type takes encoding/json's reflection
// path, the slowest code in a Go wasm guest. Configs are cached only when
// they decode and validate; failures are recomputed (and reported) every
// time. The same value is handed to every call with the same config, so
// its maps and slices are shared: checks treat the config as read-only
// (documented on Check). When full the cache starts over rather than
// tracking recency: a plugin instance that sees more distinct configs
// than this just decodes as it did before the cache.
type configCache[C any] struct {
	mu sync.Mutex // only contended in native tests; wasm is single-threaded
	m  map[string]C
}

func (c *configCache[C]) get(raw []byte) (C, error) {
	c.mu.Lock()
	cfg, ok := c.m[string(raw)]
	c.mu.Unlock()
	if ok {
		return cfg, nil
	}
	cfg, err := decodeConfig[C](raw)
	if err != nil {
		return cfg, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedConfigs {
		c.m = make(map[string]C, maxCachedConfigs)
	}
	c.m[string(raw)] = cfg
	c.mu.Unlock()
	return cfg, nil
}
