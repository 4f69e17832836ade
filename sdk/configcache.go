package sdk

// maxCachedConfigs bounds configCache. A pooled instance serves any of
// its plugin's monitors, so it must hold them all or nearly: past the
// bound each call decodes its config by reflection again (tens of µs in
// a wasm guest). A decoded config is a few hundred bytes; 1,024 of them
// are well inside an instance's memory limit.
const maxCachedConfigs = 1024

// configSlots is the size of configCache's index: a power of two, at
// least twice maxCachedConfigs, so a probe always ends at an empty slot
// and runs are short.
const configSlots = 2 * maxCachedConfigs

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
// confirmed by comparing eight at a time (words.go), in an index of our
// own (open addressing, linear probing). A Go map keyed by the config
// string hashed and compared it a byte per step (~3 µs of an http check in
// a wasm guest); keyed by the hash, it still ran three runtime functions
// per check (map access, memhash64 and its fallback), code a check
// otherwise never touches and so fetches cold after every network wait
// (docs/PERFORMANCE.md, round 7). Two configs with the same hash take
// turns in one entry (each decodes again when the other was last); a
// real collision of this 64-bit hash is not expected among one plugin's
// configs.
type configCache[C any] struct {
	mu      guard
	slots   []configSlot // nil until the first config is cached
	entries []configEntry[C]
}

type configSlot struct {
	hash  uint64
	entry int32 // index in entries + 1; 0: empty
}

type configEntry[C any] struct {
	raw string
	cfg C
}

// slotOf is where the probe for h starts: the hash's top bits after a
// Fibonacci multiply, so every bit of it counts.
func slotOf(h uint64) uint64 { return ((h * 0x9E3779B97F4A7C15) >> 53) % configSlots }

// find returns the slot holding h, or the empty slot where it would go.
func (c *configCache[C]) find(h uint64) *configSlot {
	for i := slotOf(h); ; i = (i + 1) % configSlots {
		if s := &c.slots[i]; s.entry == 0 || s.hash == h {
			return s
		}
	}
}

func (c *configCache[C]) get(raw []byte) (C, error) {
	h := hashWords(raw)
	c.mu.Lock()
	if c.slots != nil {
		if s := c.find(h); s.entry != 0 {
			if e := &c.entries[s.entry-1]; equalWords(e.raw, raw) {
				cfg := e.cfg
				c.mu.Unlock()
				return cfg, nil
			}
		}
	}
	c.mu.Unlock()
	cfg, err := decodeConfig[C](raw)
	if err != nil {
		return cfg, err
	}
	c.mu.Lock()
	if c.slots == nil || len(c.entries) >= maxCachedConfigs {
		c.slots = make([]configSlot, configSlots)
		c.entries = make([]configEntry[C], 0, maxCachedConfigs)
	}
	e := configEntry[C]{raw: string(raw), cfg: cfg}
	if s := c.find(h); s.entry != 0 {
		c.entries[s.entry-1] = e // same hash, other bytes: they take turns
	} else {
		c.entries = append(c.entries, e)
		*s = configSlot{hash: h, entry: int32(len(c.entries))}
	}
	c.mu.Unlock()
	return cfg, nil
}
