// Command dns is a check plugin: a record of a type resolves, optionally
// to expected values, optionally through a given resolver.
package main

import (
	"encoding/json"

	"github.com/runbookhq/runbook/sdk"
)

const schema = `{
  "type": "object",
  "required": ["name"],
  "additionalProperties": false,
  "properties": {
    "name":     {"type": "string", "description": "name to look up"},
    "type":     {"type": "string", "enum": ["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SRV", "PTR", "SOA", "CAA"], "default": "A"},
    "expected": {"type": "array", "items": {"type": "string"}, "description": "values that must all be among the answers (MX: \"10 mail.example.\", SRV: \"10 5 5060 sip.example.\")"},
    "resolver": {"type": "string", "description": "DNS server host:port (port default 53); default the host's resolvers"},
    "tcp":      {"type": "boolean", "default": false},
    "timeout":  {"type": "number", "description": "seconds", "default": 5}
  }
}`

func init() {
	sdk.Check(sdk.Manifest{
		Name:         "dns",
		Version:      "0.1.0",
		Description:  "Healthy when the name has records of the type (and they include every expected value).",
		Config:       json.RawMessage(schema),
		Capabilities: []string{"dns"},
		Target:       "name",
		Resolver:     "resolver",
	}, check)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
