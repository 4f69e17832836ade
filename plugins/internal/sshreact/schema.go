package sshreact

import "strings"

// connectionProps are the JSON Schema properties of Target's fields.
const connectionProps = `
    "host":              {"type": "string", "description": "host name or IP address to SSH to; the reaction's network target"},
    "port":              {"type": "integer", "minimum": 1, "maximum": 65535, "default": 22},
    "user":              {"type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$"},
    "key_secret":        {"type": "string", "default": "ssh_key", "description": "name of the secret holding the private key (PEM)"},
    "passphrase_secret": {"type": "string", "description": "name of the secret holding the key's passphrase"},
    "host_key":          {"type": "string", "description": "pin the server: an authorized_keys line or a SHA256: fingerprint"},
    "timeout":           {"type": "number", "minimum": 0, "maximum": 300, "default": 30, "description": "seconds"}`

// Schema is a plugin's config schema: the connection fields plus the
// plugin's own props (JSON object members, comma-separated) and required
// names. Unknown fields are refused, so a misspelt "sudo" is an error,
// not a silently unprivileged command.
func Schema(props string, required ...string) string {
	req := append([]string{`"host"`, `"user"`}, quoteAll(required)...)
	return `{
  "type": "object",
  "required": [` + strings.Join(req, ", ") + `],
  "additionalProperties": false,
  "properties": {` + connectionProps + `,
    ` + strings.TrimSpace(props) + `
  }
}`
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = `"` + s + `"`
	}
	return out
}
