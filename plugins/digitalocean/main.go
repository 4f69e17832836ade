// Command digitalocean is a reaction plugin: run a droplet action
// (reboot, power cycle, power off/on, shutdown, snapshot) through the
// DigitalOcean API v2.
package main

import (
	"encoding/json"

	"github.com/runbookhq/runbook/sdk"
)

const schema = `{
  "type": "object",
  "required": ["api_url", "droplet_id", "action"],
  "additionalProperties": false,
  "properties": {
    "api_url":       {"type": "string", "format": "uri", "default": "https://api.digitalocean.com", "description": "API base URL; the network target"},
    "token_secret":  {"type": "string", "default": "digitalocean_token", "description": "name of the secret holding a personal access token"},
    "droplet_id":    {"type": "integer", "minimum": 1},
    "action":        {"type": "string", "enum": ["reboot", "power_cycle", "power_off", "power_on", "shutdown", "snapshot"]},
    "snapshot_name": {"type": "string", "description": "snapshot only; default runbook-<monitor>-<time>"},
    "timeout":       {"type": "number", "minimum": 0, "default": 20, "description": "seconds"}
  }
}`

func init() {
	sdk.Reaction(sdk.Manifest{
		Name:         "digitalocean",
		Version:      "0.1.0",
		Description:  "Reboot, power-cycle, power off/on, shut down or snapshot a DigitalOcean droplet.",
		Config:       json.RawMessage(schema),
		Capabilities: []string{"http"},
		Target:       "api_url",
	}, react)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
