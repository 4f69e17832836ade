// Command http-template is a reaction plugin: send one HTTP request whose
// body is a Go text/template over the trigger, for any API that has no
// plugin of its own.
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
    "url":            {"type": "string", "format": "uri", "description": "the request URL; the network target"},
    "method":         {"type": "string", "enum": ["GET", "POST", "PUT", "PATCH", "DELETE"], "default": "POST"},
    "headers":        {"type": "object", "additionalProperties": {"type": "string"}},
    "secret_headers": {"type": "object", "additionalProperties": {"type": "string"}, "description": "header name to the name of the secret holding its value, e.g. {\"Authorization\": \"ops_api\"}"},
    "body":           {"type": "string", "description": "Go text/template over .MonitorID .MonitorName .Zone .Status .PreviousStatus .Message .ReactionID .ReactionName .ScheduledAt .Summary; {{json .Message}} quotes for JSON"},
    "content_type":   {"type": "string", "default": "application/json"},
    "expect_status":  {"type": "array", "items": {"type": "integer", "minimum": 100, "maximum": 599}, "description": "statuses that count as success; default any 2xx"},
    "timeout":        {"type": "number", "minimum": 0, "default": 10, "description": "seconds"},
    "tls_verify":     {"type": "boolean", "default": true}
  }
}`

func init() {
	sdk.Reaction(sdk.Manifest{
		Name:         "http-template",
		Version:      "0.1.0",
		Description:  "Send an HTTP request with a body rendered from a template over the trigger.",
		Config:       json.RawMessage(schema),
		Capabilities: []string{"http"},
		Target:       "url",
	}, react)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
