package sshcheck

import (
	"encoding/json"
	"strings"

	"github.com/runbookhq/runbook/sdk"
)

// connProps are the JSON Schema properties of Conn's fields.
const connProps = `
    "host":                   {"type": "string", "description": "host name or IP address to SSH to; the monitor's target"},
    "port":                   {"type": "integer", "minimum": 1, "maximum": 65535, "default": 22},
    "user":                   {"type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$"},
    "key_secret":             {"type": "string", "default": "ssh_key", "description": "name of the secret holding the private key (PEM)"},
    "passphrase_secret":      {"type": "string", "description": "name of the secret holding the key's passphrase"},
    "host_key":               {"type": "string", "description": "pin the server: an authorized_keys line or a SHA256: fingerprint"},
    "timeout":                {"type": "number", "minimum": 0, "maximum": 300, "default": 30, "description": "seconds"},
    "jump_host":              {"type": "string", "description": "optional jump host (bastion) to reach host through"},
    "jump_port":              {"type": "integer", "minimum": 1, "maximum": 65535, "default": 22},
    "jump_user":              {"type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$", "description": "default: user"},
    "jump_key_secret":        {"type": "string", "description": "name of the secret holding the jump host's private key; default: the same key as host"},
    "jump_passphrase_secret": {"type": "string", "description": "name of the secret holding the jump key's passphrase"},
    "jump_host_key":          {"type": "string", "description": "pin the jump host: an authorized_keys line or a SHA256: fingerprint"}`

// Schema is a plugin's config schema: the connection fields plus the
// plugin's own props (JSON object members, comma-separated) and required
// names. Unknown fields are refused, so a misspelt field is an error,
// not a silently ignored threshold.
func Schema(props string, required ...string) string {
	req := []string{`"host"`, `"user"`}
	for _, r := range required {
		req = append(req, `"`+r+`"`)
	}
	return `{
  "type": "object",
  "required": [` + strings.Join(req, ", ") + `],
  "additionalProperties": false,
  "properties": {` + connProps + `,
    ` + strings.TrimSpace(props) + `
  }
}`
}

// Manifest is a check plugin's manifest: the ssh capability, host:port as
// the target, and jump_host:jump_port as the only other address the
// host lets the ssh capability reach (its first hop).
func Manifest(name, version, description, schema string) sdk.Manifest {
	return sdk.Manifest{
		Name:              name,
		Version:           version,
		Description:       description,
		Config:            json.RawMessage(schema),
		Capabilities:      []string{"ssh"},
		Target:            "host",
		TargetPort:        "port",
		TargetDefaultPort: 22,
		SSHJump:           "jump_host",
		SSHJumpPort:       "jump_port",
	}
}
