package node

import (
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
