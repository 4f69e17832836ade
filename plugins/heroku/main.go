// Command heroku is a reaction plugin: restart an app's dynos (all or
// one) or scale a process type, through the Heroku
// Platform API v3.
package main

import (
	"encoding/json"

	"github.com/runbookhq/runbook/sdk"
)

const schema = `{
  "type": "object",
  "required": ["api_url", "app", "action"],
  "additionalProperties": false,
  "properties": {
    "api_url":      {"type": "string", "format": "uri", "default": "https://api.heroku.com", "description": "Platform API base URL; the network target"},
    "token_secret": {"type": "string", "default": "heroku_api_key", "description": "name of the secret holding an API key or OAuth token"},
    "app":          {"type": "string", "description": "app name or id"},
    "action":       {"type": "string", "enum": ["restart", "scale"]},
    "dyno":         {"type": "string", "description": "restart only: one dyno (web.1); empty restarts every dyno"},
    "process_type": {"type": "string", "description": "scale only: the process type to scale (web)"},
    "quantity":     {"type": "integer", "minimum": 0, "description": "scale only"},
    "size":         {"type": "string", "description": "scale only: dyno size (standard-1X); empty keeps the current one"},
    "timeout":      {"type": "number", "minimum": 0, "default": 20, "description": "seconds"}
  }
}`

func init() {
	sdk.Reaction(sdk.Manifest{
		Name:         "heroku",
		Version:      "0.1.0",
		Description:  "Restart a Heroku app's dynos or scale a process type.",
		Config:       json.RawMessage(schema),
		Capabilities: []string{"http"},
		Target:       "api_url",
	}, react)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
