// Command tcp-port is a check plugin: connect to host:port within a
// timeout, optionally send bytes and expect a reply.
package main

import (
	"encoding/json"

	"github.com/runbookhq/runbook/sdk"
)

const schema = `{
  "type": "object",
  "required": ["host", "port"],
  "additionalProperties": false,
  "properties": {
    "host":         {"type": "string", "description": "host name or IP address"},
    "port":         {"type": "integer", "minimum": 1, "maximum": 65535},
    "timeout":      {"type": "number", "description": "seconds", "default": 10},
    "send":         {"type": "string", "description": "text to send after connecting (\\r\\n as written)"},
    "expect":       {"type": "string", "description": "the reply must contain this"},
    "expect_regex": {"type": "boolean", "default": false, "description": "expect is a regular expression"}
  }
}`

func init() {
	sdk.Check(sdk.Manifest{
		Name:         "tcp-port",
		Version:      "0.1.0",
		Description:  "Connect to host:port within a timeout; optionally send a line and expect a reply.",
		Config:       json.RawMessage(schema),
		Capabilities: []string{"tcp"},
		Target:       "host",
		TargetPort:   "port",
	}, check)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
