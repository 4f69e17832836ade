// Command webhook is a reaction plugin: POST a JSON description of the
// monitor's new state to a URL.
package main

import (
	"encoding/json"

	"github.com/runbookhq/runbook/sdk"
)

const schema = `{
  "type": "object",
  "required": ["url"],
  "additionalProperties": false,
  "properties": {
    "url":        {"type": "string", "format": "uri"},
    "headers":    {"type": "object", "additionalProperties": {"type": "string"}},
    "timeout":    {"type": "number", "description": "seconds", "default": 10},
    "tls_verify": {"type": "boolean", "default": true}
  }
}`

func init() {
	sdk.Reaction(sdk.Manifest{
		Name:         "webhook",
		Version:      "0.1.0",
		Description:  "POST a JSON payload describing the monitor and its status to a URL.",
		Config:       json.RawMessage(schema),
		Capabilities: []string{"http"},
		Target:       "url",
	}, react)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
