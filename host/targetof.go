package host

import (
	"encoding/json"
	"fmt"
)

// TargetOf is the network target a call of plugin with config may reach
// ("host:port", "host" when any port is allowed, "" when the plugin names
// no target). The actioner keys per-target cooldowns by it, so two
// reactions restarting the same server share one cooldown whatever their
// names — with the same resolution the sandbox itself enforces.
func (h *Host) TargetOf(plugin, version string, config json.RawMessage) (string, error) {
	p, err := h.lookup(plugin, version, "")
	if err != nil {
		return "", err
	}
	if p.manifest.Target == "" {
		return "", nil
	}
	t, err := targetOf(p.manifest, config)
	if err != nil {
		return "", fmt.Errorf("plugin %s: target: %w", plugin, err)
	}
	return t.String(), nil
}
