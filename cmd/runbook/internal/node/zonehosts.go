package node

import (
	"context"
	"fmt"

	"github.com/runbookhq/runbook/host"
)

// zoneHosts gives every zone of the process the plugin host its workers,
// actioners and plugin syncer use. A host's current version of a plugin is
// process state, so zones sharing one would share every push: a staged
// rollout (one zone, then the rest) needs a host per zone. The first zone
// uses Options.Host (which the web also validates with); each other zone
// gets its own from Options.NewHost, whose hosts share one compilation
// cache so a module still compiles once per process. close closes the
// hosts made here.
func zoneHosts(ctx context.Context, o Options) (hosts map[string]*host.Host, close func(), err error) {
	hosts = map[string]*host.Host{}
	var made []*host.Host
	close = func() {
		for _, h := range made {
			_ = h.Close(context.Background())
		}
	}
	if o.Host == nil || !(o.has(RoleWorker) || o.has(RoleActioner)) {
		for _, z := range o.Zones {
			hosts[z.Name] = o.Host
		}
		return hosts, close, nil
	}
	for i, z := range o.Zones {
		if i == 0 {
			hosts[z.Name] = o.Host
			continue
		}
		if o.NewHost == nil {
			close()
			return nil, nil, fmt.Errorf("zones %s and %s in one process need a plugin host each (Options.NewHost): with one shared host a push to one zone would change both", o.Zones[0].Name, z.Name)
		}
		h, err := o.NewHost(ctx, z)
		if err != nil {
			close()
			return nil, nil, fmt.Errorf("zone %s: plugin host: %w", z.Name, err)
		}
		made = append(made, h)
		hosts[z.Name] = h
	}
	return hosts, close, nil
}
