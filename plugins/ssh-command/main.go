// Command ssh-command is a check plugin: run a command over SSH; exit 0
// (and, when given, output matching) is healthy.
package main

import (
	"encoding/json"

	"github.com/runbookhq/runbook/sdk"
)

const schema = `{
  "type": "object",
  "required": ["host", "user", "command"],
  "additionalProperties": false,
  "properties": {
    "host":              {"type": "string", "description": "host name or IP address"},
    "port":              {"type": "integer", "minimum": 1, "maximum": 65535, "default": 22},
    "user":              {"type": "string"},
    "key_secret":        {"type": "string", "default": "ssh_key", "description": "name of the secret holding the private key (PEM)"},
    "passphrase_secret": {"type": "string", "description": "name of the secret holding the key's passphrase"},
    "host_key":          {"type": "string", "description": "pin the server: an authorized_keys line or a SHA256: fingerprint"},
    "command":           {"type": "string"},
    "expected_output":   {"type": "string", "description": "regular expression stdout must match"},
    "timeout":           {"type": "number", "description": "seconds", "default": 30}
  }
}`

func init() {
	sdk.Check(sdk.Manifest{
		Name:              "ssh-command",
		Version:           "0.1.0",
		Description:       "Run a command over SSH with a key from the monitor's secrets; healthy on exit 0 (and expected output).",
		Config:            json.RawMessage(schema),
		Capabilities:      []string{"ssh"},
		Target:            "host",
		TargetPort:        "port",
		TargetDefaultPort: 22,
	}, check)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
