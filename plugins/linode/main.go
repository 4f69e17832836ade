// Command linode is a reaction plugin: boot, reboot or shut down a Linode
// through the Linode API v4.
package main

import (
	"encoding/json"

	"github.com/runbookhq/runbook/sdk"
)

const schema = `{
  "type": "object",
  "required": ["api_url", "linode_id", "action"],
  "additionalProperties": false,
  "properties": {
    "api_url":      {"type": "string", "format": "uri", "default": "https://api.linode.com", "description": "API base URL; the network target"},
    "token_secret": {"type": "string", "default": "linode_token", "description": "name of the secret holding a personal access token"},
    "linode_id":    {"type": "integer", "minimum": 1},
    "action":       {"type": "string", "enum": ["boot", "reboot", "shutdown"]},
    "config_id":    {"type": "integer", "minimum": 1, "description": "boot/reboot only: the configuration profile to boot; default the last booted"},
    "timeout":      {"type": "number", "minimum": 0, "default": 20, "description": "seconds"}
  }
}`

func init() {
	sdk.Reaction(sdk.Manifest{
		Name:         "linode",
		Version:      "0.1.0",
		Description:  "Boot, reboot or shut down a Linode.",
		Config:       json.RawMessage(schema),
		Capabilities: []string{"http"},
		Target:       "api_url",
	}, react)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
