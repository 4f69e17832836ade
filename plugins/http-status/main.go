// Command http-status is a check plugin: GET a URL and report healthy when
// the response status is one of the expected codes.
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
    "url":        {"type": "string", "format": "uri", "description": "http:// or https:// URL to request"},
    "method":     {"type": "string", "default": "GET"},
    "host":       {"type": "string", "description": "Host header to send instead of the URL's host"},
    "headers":    {"type": "object", "additionalProperties": {"type": "string"}},
    "codes":      {"type": "array", "items": {"type": "integer"}, "default": [200]},
    "timeout":    {"type": "number", "description": "seconds", "default": 10},
    "tls_verify": {"type": "boolean", "default": true}
  }
}`

func init() {
	sdk.Check(sdk.Manifest{
		Name:         "http-status",
		Version:      "0.1.0",
		Description:  "Request a URL; healthy when the status is one of the expected codes.",
		Config:       json.RawMessage(schema),
		Capabilities: []string{"http"},
		Target:       "url",
	}, check)
}

// main is required by Go but never runs: a c-shared wasm module is a
// reactor, entered through its exports after _initialize.
func main() {}
