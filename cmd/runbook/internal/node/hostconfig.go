package node

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/runbookhq/runbook/engine/worker"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/lock"
	"github.com/runbookhq/runbook/zones"
)

// HostConfig applies a zone's plugin limits to a host config. Each zone of
// a process has its own Host (see zoneHosts), so each gets its own limits.
func HostConfig(base host.Config, z zones.Config) host.Config {
	p := z.Plugins
	base.PoolSize = p.PoolSize
	base.Limits = lock.Limits{MemoryMiB: p.MemoryMiB, TimeoutMS: int(p.Timeout.D().Milliseconds()), OutputBytes: p.OutputBytes}
	base.MaxLimits = lock.Limits{MemoryMiB: p.MaxMemoryMiB, TimeoutMS: int(p.MaxTimeout.D().Milliseconds()), OutputBytes: p.MaxOutputBytes}
	return base
}

var (
	poolsMu  sync.Mutex
	poolsFor = map[*host.Host]bool{}
)

// registerPools exports h's instance pools once (tests start many nodes in
// one process, each with its own Host).
func registerPools(h *host.Host) {
	poolsMu.Lock()
	defer poolsMu.Unlock()
	if poolsFor[h] || len(poolsFor) > 0 {
		// Prometheus refuses two collectors of one metric name: the first
		// Host of the process is the one exported.
		return
	}
	poolsFor[h] = true
	prometheus.MustRegister(worker.PoolCollector(h))
}
