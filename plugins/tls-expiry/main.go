// Command tls-expiry is a check plugin: the certificates a TLS server
// sends expire in more than N days.
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
    "host":        {"type": "string", "description": "host name or IP address"},
    "port":        {"type": "integer", "minimum": 1, "maximum": 65535, "default": 443},
    "days":        {"type": "number", "minimum": 0, "default": 7, "description": "fail when a certificate expires in fewer days"},
    "server_name": {"type": "string", "description": "SNI to send; default the host"},
    "timeout":     {"type": "number", "description": "seconds", "default": 10}
  }
}`

func init() {
	sdk.Check(sdk.Manifest{
		Name:              "tls-expiry",
		Version:           "0.1.0",
		Description:       "Healthy while every certificate the server sends expires in more than N days (default 7).",
		Config:            json.RawMessage(schema),
		Capabilities:      []string{"tls"},
		Target:            "host",
		TargetPort:        "port",
		TargetDefaultPort: 443,
	}, check)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
