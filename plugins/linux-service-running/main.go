// Command linux-service-running is a check plugin: over SSH, `systemctl
// is-active UNIT`; healthy when the unit is active.
package main

import (
	"github.com/runbookhq/runbook/plugins/internal/sshcheck"
	"github.com/runbookhq/runbook/sdk"
)

var schema = sshcheck.Schema(`
    "unit": {"type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9:_.@-]{0,254}$", "description": "systemd unit, e.g. nginx or nginx.service"}`, "unit")

func init() {
	sdk.Check(sshcheck.Manifest("linux-service-running", "0.1.0",
		"Over SSH, ask systemd whether a unit is active; healthy when it is.", schema), check)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
