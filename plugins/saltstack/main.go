// Command saltstack is a reaction plugin: run a Salt execution function
// on matching minions through salt-api (rest_cherrypy), e.g.
// service.restart nginx on web*.
package main

import (
	"encoding/json"

	"github.com/runbookhq/runbook/sdk"
)

const schema = `{
  "type": "object",
  "required": ["api_url", "tgt", "fun"],
  "additionalProperties": false,
  "properties": {
    "api_url":         {"type": "string", "format": "uri", "description": "salt-api base URL, e.g. https://salt.example.com:8000; the network target"},
    "token_secret":    {"type": "string", "default": "salt_api_token", "description": "name of the secret holding an X-Auth-Token (used when username is empty)"},
    "username":        {"type": "string", "description": "log in through /login with this user instead of a token"},
    "password_secret": {"type": "string", "default": "salt_api_password", "description": "name of the secret holding the user's password"},
    "eauth":           {"type": "string", "default": "pam", "description": "external auth backend for /login"},
    "client":          {"type": "string", "enum": ["local", "local_async"], "default": "local"},
    "tgt":             {"type": "string", "description": "target expression, e.g. web*"},
    "tgt_type":        {"type": "string", "enum": ["glob", "pcre", "list", "grain", "grain_pcre", "pillar", "nodegroup", "range", "compound", "ipcidr"], "default": "glob"},
    "fun":             {"type": "string", "description": "execution function, e.g. service.restart"},
    "arg":             {"type": "array", "items": {"type": "string"}},
    "tls_verify":      {"type": "boolean", "default": true},
    "timeout":         {"type": "number", "minimum": 0, "default": 60, "description": "seconds"}
  }
}`

func init() {
	sdk.Reaction(sdk.Manifest{
		Name:         "saltstack",
		Version:      "0.1.0",
		Description:  "Run a Salt execution function on matching minions through salt-api.",
		Config:       json.RawMessage(schema),
		Capabilities: []string{"http"},
		Target:       "api_url",
	}, react)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
