package node

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/runbookhq/runbook/engine/worker"
	"github.com/runbookhq/runbook/host"
)

var (
	poolsMu sync.Mutex
	// poolsFor is the collector exported per zone label. Tests start many
	// nodes in one process; the newest node's host of a zone is exported.
	poolsFor = map[string]prometheus.Collector{}
)

// registerPools exports the instance pools of every zone's plugin host,
// each labelled zone="…" (a process serving zones a and b has a host per
// zone, and each is exported). A host serving several zones (the web
// role's validator) is exported once, under the first. The returned func
// unregisters what this call registered.
func registerPools(o Options, hosts map[string]*host.Host) (unregister func()) {
	poolsMu.Lock()
	defer poolsMu.Unlock()
	seen := map[*host.Host]bool{}
	mine := map[string]prometheus.Collector{}
	for _, z := range o.Zones {
		h := hosts[z.Name]
		if h == nil || seen[h] {
			continue
		}
		seen[h] = true
		reg := zoneRegisterer(z.Name)
		if old := poolsFor[z.Name]; old != nil {
			reg.Unregister(old)
		}
		c := worker.PoolCollector(h)
		if err := reg.Register(c); err != nil {
			o.Logger.Warn("plugin pool metrics not exported", "zone", z.Name, "err", err)
			continue
		}
		poolsFor[z.Name], mine[z.Name] = c, c
	}
	return func() {
		poolsMu.Lock()
		defer poolsMu.Unlock()
		for zone, c := range mine {
			if poolsFor[zone] == c {
				zoneRegisterer(zone).Unregister(c)
				delete(poolsFor, zone)
			}
		}
	}
}

func zoneRegisterer(zone string) prometheus.Registerer {
	return prometheus.WrapRegistererWith(prometheus.Labels{"zone": zone}, prometheus.DefaultRegisterer)
}
