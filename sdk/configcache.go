package sdk

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
//
// Entries are found by a hash of the bytes taken eight at a time and
// confirmed by comparing eight at a time (words.go): a Go map keyed by
// the config string hashed and compared it a byte per step, ~3 µs of an
// http check in a wasm guest. Two configs with the same hash take turns
// in one slot (each decodes again when the other was last); a real
// collision of this 64-bit hash is not expected among one plugin's
// configs.
type configCache[C any] struct {
	mu guard
	m  map[uint64]configEntry[C]
}

type configEntry[C any] struct {
	raw string
	cfg C
}

func (c *configCache[C]) get(raw []byte) (C, error) {
	h := hashWords(raw)
	c.mu.Lock()
	e, ok := c.m[h]
	c.mu.Unlock()
	if ok && equalWords(e.raw, raw) {
		return e.cfg, nil
	}
	cfg, err := decodeConfig[C](raw)
	if err != nil {
		return cfg, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedConfigs {
		c.m = make(map[uint64]configEntry[C], maxCachedConfigs)
	}
	c.m[h] = configEntry[C]{raw: string(raw), cfg: cfg}
	c.mu.Unlock()
	return cfg, nil
}
