// Command slack is a reaction plugin: post the monitor's new state to a
// Slack incoming webhook.
package main

import (
	"encoding/json"

	"github.com/runbookhq/runbook/sdk"
)

// The webhook URL is a credential (anyone holding it can post), so it
// lives in a secret; the config keeps only the base URL, which is also
// the network target the host allows.
const schema = `{
  "type": "object",
  "required": ["api_url"],
  "additionalProperties": false,
  "properties": {
    "api_url":        {"type": "string", "format": "uri", "default": "https://hooks.slack.com", "description": "base URL of the webhook host; the network target"},
    "webhook_secret": {"type": "string", "default": "slack_webhook", "description": "name of the secret holding the webhook URL (or its /services/... path)"},
    "channel":        {"type": "string", "description": "override the webhook's channel (legacy webhooks only)"},
    "username":       {"type": "string"},
    "icon_emoji":     {"type": "string", "description": "e.g. :rotating_light:"},
    "timeout":        {"type": "number", "minimum": 0, "default": 10, "description": "seconds"}
  }
}`

func init() {
	sdk.Reaction(sdk.Manifest{
		Name:         "slack",
		Version:      "0.1.0",
		Description:  "Post the monitor's status to a Slack incoming webhook.",
		Config:       json.RawMessage(schema),
		Capabilities: []string{"http"},
		Target:       "api_url",
	}, react)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
