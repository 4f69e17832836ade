// Command pagerduty is a reaction plugin: open a PagerDuty incident when a
// monitor fails and resolve it when the monitor recovers (Events API v2).
package main

import (
	"encoding/json"

	"github.com/runbookhq/runbook/sdk"
)

const schema = `{
  "type": "object",
  "required": ["api_url"],
  "additionalProperties": false,
  "properties": {
    "api_url":            {"type": "string", "format": "uri", "default": "https://events.pagerduty.com", "description": "Events API base URL; the network target"},
    "routing_key_secret": {"type": "string", "default": "pagerduty_routing_key", "description": "name of the secret holding the integration's routing key"},
    "severity":           {"type": "string", "enum": ["critical", "error", "warning", "info"], "default": "critical"},
    "source":             {"type": "string", "description": "payload.source; default runbook/<zone>"},
    "component":          {"type": "string"},
    "group":              {"type": "string"},
    "class":              {"type": "string"},
    "timeout":            {"type": "number", "minimum": 0, "default": 10, "description": "seconds"}
  }
}`

func init() {
	sdk.Reaction(sdk.Manifest{
		Name:         "pagerduty",
		Version:      "0.1.0",
		Description:  "Trigger a PagerDuty event when the monitor fails and resolve it when it recovers (Events API v2).",
		Config:       json.RawMessage(schema),
		Capabilities: []string{"http"},
		Target:       "api_url",
	}, react)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
