package sdk

import (
	"errors"
	"fmt"
	"testing"
)

var countedDecodes int

type countedConfig struct {
	N   int    `json:"n"`
	Bad bool   `json:"bad"`
	Pad string `json:"pad"`
}

func (c countedConfig) Validate() error {
	countedDecodes++
	if c.Bad {
		return errors.New("bad: rejected")
	}
	return nil
}

// The config cache hands every call the value its own bytes decode to,
// decodes each config once while it holds them all, keeps decoding
// (and reporting) configs that fail, and starts over, still right, past
// its bound.
func TestConfigCache(t *testing.T) {
	var c configCache[countedConfig]
	raw := func(n int) []byte { return fmt.Appendf(nil, `{"n":%d,"pad":"%*s"}`, n, n%23, "") }
	countedDecodes = 0
	for round := range 3 {
		for n := range 700 {
			cfg, err := c.get(raw(n))
			if err != nil || cfg.N != n || len(cfg.Pad) != n%23 {
				t.Fatalf("round %d, config %d: got %+v, %v", round, n, cfg, err)
			}
		}
	}
	if countedDecodes != 700 {
		t.Fatalf("700 configs, 3 rounds: %d decodes; want 700", countedDecodes)
	}
	for range 2 {
		if _, err := c.get([]byte(`{"n":1,"bad":true}`)); err == nil || err.Error() != "bad: rejected" {
			t.Fatalf("bad config: %v", err)
		}
	}
	if countedDecodes != 702 {
		t.Fatalf("a rejected config decoded %d times in 2 calls; want 2", countedDecodes-700)
	}
	// Past the bound: the cache starts over, values stay right.
	for n := range 3 * maxCachedConfigs {
		if cfg, err := c.get(raw(n)); err != nil || cfg.N != n {
			t.Fatalf("config %d past the bound: got %+v, %v", n, cfg, err)
		}
	}
	if len(c.entries) > maxCachedConfigs {
		t.Fatalf("%d entries; bound %d", len(c.entries), maxCachedConfigs)
	}
	countedDecodes = 0
	for n := 3*maxCachedConfigs - 100; n < 3*maxCachedConfigs; n++ {
		if cfg, err := c.get(raw(n)); err != nil || cfg.N != n {
			t.Fatalf("config %d: got %+v, %v", n, cfg, err)
		}
	}
	if countedDecodes != 0 {
		t.Fatalf("the 100 latest configs decoded %d times again; want 0", countedDecodes)
	}
}
