// Command linux-service is a reaction plugin: start, stop or restart a
// service over SSH with systemctl (or SysV service), the unit name
// validated so the config cannot add shell syntax to the command.
package main

import (
	"encoding/json"

	"github.com/runbookhq/runbook/plugins/internal/sshreact"
	"github.com/runbookhq/runbook/sdk"
)

var schema = sshreact.Schema(`
    "unit":    {"type": "string", "maxLength": 255, "pattern": "^[A-Za-z0-9_][A-Za-z0-9:_.@-]*$", "description": "systemd unit (nginx, nginx.service, getty@tty1.service) or SysV service name"},
    "action":  {"type": "string", "enum": ["start", "stop", "restart"], "default": "restart"},
    "manager": {"type": "string", "enum": ["systemctl", "service"], "default": "systemctl", "description": "systemctl ACTION UNIT, or service UNIT ACTION on hosts without systemd"},
    "sudo":    {"type": "boolean", "default": false, "description": "prefix sudo -n (never prompts; the user needs a NOPASSWD rule for this command)"}`,
	"unit")

func init() {
	sdk.Reaction(sdk.Manifest{
		Name:              "linux-service",
		Version:           "0.1.0",
		Description:       "Start, stop or restart a Linux service over SSH (systemctl or service).",
		Config:            json.RawMessage(schema),
		Capabilities:      []string{"ssh"},
		Target:            "host",
		TargetPort:        "port",
		TargetDefaultPort: 22,
	}, react)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
