package main

import (
	"strings"
	"testing"
)

// `up -zone-name a,b` runs two zones on the one private Redis, each with
// its own brokers; a name given twice or an empty list is refused naming
// the flag.
func TestUpZones(t *testing.T) {
	zs, err := upZones(splitList("a, b"), "127.0.0.1:6379")
	if err != nil {
		t.Fatal(err)
	}
	if len(zs) != 2 || zs[0].Name != "a" || zs[1].Name != "b" {
		t.Fatalf("zones %+v, want a and b", zs)
	}
	if zs[0].MonitorBroker.Frontend == zs[1].MonitorBroker.Frontend || zs[0].ActionBroker.Backend == zs[1].ActionBroker.Backend {
		t.Errorf("zones share broker endpoints: %+v / %+v", zs[0].MonitorBroker, zs[1].MonitorBroker)
	}
	if zs[0].Redis.Addr != zs[1].Redis.Addr {
		t.Errorf("zones on different Redis: %s, %s", zs[0].Redis.Addr, zs[1].Redis.Addr)
	}
	for _, bad := range []string{"a,a", "", "a,b c"} {
		if _, err := upZones(splitList(bad), "127.0.0.1:6379"); err == nil || !strings.Contains(err.Error(), "-zone-name") {
			t.Errorf("-zone-name %q: err %v, want a refusal naming -zone-name", bad, err)
		}
	}
}
