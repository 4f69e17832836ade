// Command http-post is a check plugin: POST a payload and assert the
// status, a body regular expression and response headers.
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
    "url":              {"type": "string", "format": "uri"},
    "method":           {"type": "string", "default": "POST"},
    "payload":          {"type": "string", "description": "request body"},
    "content_type":     {"type": "string", "default": "application/json"},
    "headers":          {"type": "object", "additionalProperties": {"type": "string"}},
    "codes":            {"type": "array", "items": {"type": "integer"}, "default": [200]},
    "body_regex":       {"type": "string", "description": "the response body (first 1 MiB) must match"},
    "expected_headers": {"type": "object", "additionalProperties": {"type": "string"}, "description": "header name → regular expression one of its values must match"},
    "host":             {"type": "string"},
    "timeout":          {"type": "number", "description": "seconds", "default": 10},
    "tls_verify":       {"type": "boolean", "default": true}
  }
}`

func init() {
	sdk.Check(sdk.Manifest{
		Name:         "http-post",
		Version:      "0.1.0",
		Description:  "POST a payload; healthy when the status, body regex and expected headers all match.",
		Config:       json.RawMessage(schema),
		Capabilities: []string{"http"},
		Target:       "url",
	}, check)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
