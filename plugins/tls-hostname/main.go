// Command tls-hostname is a check plugin: the certificate a TLS server
// presents names the expected host (SAN, or CN for certificates without
// SANs).
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
    "host":     {"type": "string", "description": "host name or IP address to connect to"},
    "port":     {"type": "integer", "minimum": 1, "maximum": 65535, "default": 443},
    "expected": {"type": "string", "description": "name the certificate must cover; default the host. Sent as SNI."},
    "timeout":  {"type": "number", "description": "seconds", "default": 10}
  }
}`

func init() {
	sdk.Check(sdk.Manifest{
		Name:              "tls-hostname",
		Version:           "0.1.0",
		Description:       "Healthy when the server's certificate covers the expected name (DNS/IP SANs with wildcards, or CN without SANs).",
		Config:            json.RawMessage(schema),
		Capabilities:      []string{"tls"},
		Target:            "host",
		TargetPort:        "port",
		TargetDefaultPort: 443,
	}, check)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
