// Command ping is a check plugin: ICMP echo to a host.
package main

import (
	"encoding/json"

	"github.com/runbookhq/runbook/sdk"
)

const schema = `{
  "type": "object",
  "required": ["host"],
  "additionalProperties": false,
  "properties": {
    "host":    {"type": "string", "description": "host name or IP address"},
    "count":   {"type": "integer", "minimum": 1, "maximum": 10, "default": 3},
    "timeout": {"type": "number", "description": "seconds for all echoes", "default": 5}
  }
}`

func init() {
	sdk.Check(sdk.Manifest{
		Name:         "ping",
		Version:      "0.1.0",
		Description:  "ICMP echo; healthy when any echo is answered. Unknown when the host's OS forbids ICMP.",
		Config:       json.RawMessage(schema),
		Capabilities: []string{"icmp"},
		Target:       "host",
	}, check)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
