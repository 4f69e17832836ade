// Command docker is a reaction plugin: start, restart, stop, kill or
// remove a container, or pull an image, with the docker CLI over SSH; the
// names are validated so the config cannot add shell syntax.
package main

import (
	"encoding/json"

	"github.com/runbookhq/runbook/plugins/internal/sshreact"
	"github.com/runbookhq/runbook/sdk"
)

var schema = sshreact.Schema(`
    "action":    {"type": "string", "enum": ["start", "restart", "stop", "kill", "rm", "pull"]},
    "container": {"type": "string", "maxLength": 255, "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]*$", "description": "container name or id (every action but pull)"},
    "image":     {"type": "string", "maxLength": 512, "description": "image reference to pull, e.g. registry.example:5000/team/app:1.2 (pull only)"},
    "sudo":      {"type": "boolean", "default": false, "description": "prefix sudo -n (never prompts), for users outside the docker group"}`,
	"action")

func init() {
	sdk.Reaction(sdk.Manifest{
		Name:              "docker",
		Version:           "0.1.0",
		Description:       "Start, restart, stop, kill or remove a Docker container, or pull an image, over SSH.",
		Config:            json.RawMessage(schema),
		Capabilities:      []string{"ssh"},
		Target:            "host",
		TargetPort:        "port",
		TargetDefaultPort: 22,
	}, react)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
