// Command http-keyword is a check plugin: GET a URL and look for a
// substring or regular expression in the (size-capped) body.
package main

import (
	"encoding/json"

	"github.com/runbookhq/runbook/sdk"
)

const schema = `{
  "type": "object",
  "required": ["url", "keyword"],
  "additionalProperties": false,
  "properties": {
    "url":            {"type": "string", "format": "uri"},
    "keyword":        {"type": "string", "description": "text (or regular expression) to look for in the body"},
    "regex":          {"type": "boolean", "default": false},
    "present":        {"type": "boolean", "default": true, "description": "true: healthy when found; false: healthy when absent"},
    "max_body_bytes": {"type": "integer", "minimum": 1, "maximum": 1048576, "default": 1048576, "description": "only this much of the body is searched"},
    "host":           {"type": "string", "description": "Host header to send instead of the URL's host"},
    "headers":        {"type": "object", "additionalProperties": {"type": "string"}},
    "timeout":        {"type": "number", "description": "seconds", "default": 10},
    "tls_verify":     {"type": "boolean", "default": true}
  }
}`

func init() {
	sdk.Check(sdk.Manifest{
		Name:         "http-keyword",
		Version:      "0.1.0",
		Description:  "GET a URL; healthy when a keyword (or regex) is present in the body, or absent when present is false.",
		Config:       json.RawMessage(schema),
		Capabilities: []string{"http"},
		Target:       "url",
	}, check)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
