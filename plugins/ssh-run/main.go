// Command ssh-run is a reaction plugin: run a configured command over SSH
// (restart a worker, clear a cache, fail over); ok when it exits 0.
package main

import (
	"encoding/json"

	"github.com/runbookhq/runbook/plugins/internal/sshreact"
	"github.com/runbookhq/runbook/sdk"
)

var schema = sshreact.Schema(`
    "command": {"type": "string", "minLength": 1, "description": "run by the remote user's shell, exactly as written; it is not a template, so a monitor's message can never reach it"}`,
	"command")

func init() {
	sdk.Reaction(sdk.Manifest{
		Name:              "ssh-run",
		Version:           "0.1.0",
		Description:       "Run a command over SSH with a key from the reaction's secrets; ok on exit 0, failed with its stderr otherwise.",
		Config:            json.RawMessage(schema),
		Capabilities:      []string{"ssh"},
		Target:            "host",
		TargetPort:        "port",
		TargetDefaultPort: 22,
	}, react)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
