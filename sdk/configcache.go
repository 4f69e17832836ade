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
// confirmed by comparing eight at a time (words.go), in an
// open-addressing index of its own: no Go map, whose runtime code (the
// map access, the hash of its key) is fetched again after every network
// wait from pages far from the SDK's (docs/PERFORMANCE.md, round 8). A
// Go map keyed by the config string also hashed and compared it a byte
// per step, ~3 µs of an http check in a wasm guest.
type configCache[C any] struct {
	mu      guard
	slots   []int32 // 1 + an index into entries; 0 is empty
	entries []configEntry[C]
}

// configSlots is a power of two at least twice maxCachedConfigs: the
// index stays at most half full.
const (
	configSlotBits = 11
	configSlots    = 1 << configSlotBits
)

var _ [configSlots - 2*maxCachedConfigs]struct{} // fails to compile if too small

type configEntry[C any] struct {
	hash uint64
	raw  string
	cfg  C
}

func (c *configCache[C]) get(raw []byte) (C, error) {
	h := hashWords(raw)
	c.mu.Lock()
	if c.slots != nil {
		for i := h >> (64 - configSlotBits); ; i = (i + 1) % configSlots {
			e := c.slots[i]
			if e == 0 {
				break
			}
			if ent := &c.entries[e-1]; ent.hash == h && equalWords(ent.raw, raw) {
				cfg := ent.cfg
				c.mu.Unlock()
				return cfg, nil
			}
		}
	}
	c.mu.Unlock()
	return c.add(h, raw)
}

// add decodes a config not in the cache and keeps it when it is good.
//
//go:noinline
func (c *configCache[C]) add(h uint64, raw []byte) (C, error) {
	cfg, err := decodeConfig[C](raw)
	if err != nil {
		return cfg, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.slots == nil || len(c.entries) >= maxCachedConfigs {
		// Start over; values handed out stay valid (copied out). The
		// entries grow as configs come: most plugins see a few, and a
		// guest allocation is dear (1,024 entries of http-status's
		// config are 120 KB).
		c.slots = make([]int32, configSlots)
		c.entries = nil
	}
	c.entries = append(c.entries, configEntry[C]{hash: h, raw: string(raw), cfg: cfg})
	i := h >> (64 - configSlotBits)
	for c.slots[i] != 0 {
		i = (i + 1) % configSlots
	}
	c.slots[i] = int32(len(c.entries))
	return cfg, nil
}
