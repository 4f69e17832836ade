// Command docker-container-running is a check plugin: over SSH, `docker
// inspect` a container; healthy when it is running.
package main

import (
	"github.com/runbookhq/runbook/plugins/internal/sshcheck"
	"github.com/runbookhq/runbook/sdk"
)

var schema = sshcheck.Schema(`
    "container": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$", "description": "container name or id"}`, "container")

func init() {
	sdk.Check(sshcheck.Manifest("docker-container-running", "0.1.0",
		"Over SSH, ask Docker whether a container is running; healthy when it is.", schema), check)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
