// Command email is a reaction plugin: send a plain-text mail about the
// trigger through an SMTP relay, subject and body rendered from templates.
package main

import (
	"encoding/json"

	"github.com/runbookhq/runbook/sdk"
)

const schema = `{
  "type": "object",
  "required": ["host", "from", "to"],
  "additionalProperties": false,
  "properties": {
    "host":            {"type": "string", "description": "the SMTP relay's host name or IP address; the reaction's network target"},
    "port":            {"type": "integer", "minimum": 1, "maximum": 65535, "default": 25},
    "starttls":        {"type": "boolean", "default": false, "description": "upgrade with STARTTLS (the relay must offer it) before AUTH and MAIL"},
    "tls_verify":      {"type": "boolean", "default": true, "description": "verify the relay's certificate after STARTTLS"},
    "username":        {"type": "string", "description": "AUTH PLAIN user; the password is the secret password_secret names"},
    "password_secret": {"type": "string", "default": "smtp_password", "description": "name of the secret holding the AUTH password"},
    "from":            {"type": "string", "description": "sender address, e.g. runbook@example.com"},
    "to":              {"type": "array", "minItems": 1, "maxItems": 50, "items": {"type": "string"}, "description": "recipient addresses"},
    "subject":         {"type": "string", "description": "Go text/template over the trigger; default [Runbook] {{.Monitor}} is {{upper .Status}}"},
    "body":            {"type": "string", "description": "Go text/template over .Monitor .MonitorID .MonitorName .Zone .Status .PreviousStatus .Message .ReactionID .ReactionName .ScheduledAt .Summary"},
    "timeout":         {"type": "number", "minimum": 0, "maximum": 300, "default": 30, "description": "seconds"}
  }
}`

func init() {
	sdk.Reaction(sdk.Manifest{
		Name:              "email",
		Version:           "0.1.0",
		Description:       "Send an email about the trigger through an SMTP relay (STARTTLS and AUTH PLAIN optional).",
		Config:            json.RawMessage(schema),
		Capabilities:      []string{"smtp"},
		Target:            "host",
		TargetPort:        "port",
		TargetDefaultPort: 25,
	}, react)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
