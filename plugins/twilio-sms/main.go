// Command twilio-sms is a reaction plugin: text the monitor's new state to
// one or more phone numbers through Twilio's Messages API.
package main

import (
	"encoding/json"

	"github.com/runbookhq/runbook/sdk"
)

const schema = `{
  "type": "object",
  "required": ["api_url", "account_sid", "from", "to"],
  "additionalProperties": false,
  "properties": {
    "api_url":           {"type": "string", "format": "uri", "default": "https://api.twilio.com", "description": "Twilio API base URL; the network target"},
    "account_sid":       {"type": "string", "pattern": "^AC[0-9a-fA-F]{32}$"},
    "auth_token_secret": {"type": "string", "default": "twilio_auth_token", "description": "name of the secret holding the account's auth token"},
    "from":              {"type": "string", "description": "a Twilio number in E.164 (+15551234567) or an alphanumeric sender ID"},
    "to":                {"type": "array", "minItems": 1, "maxItems": 10, "items": {"type": "string"}, "description": "E.164 numbers"},
    "prefix":            {"type": "string", "description": "text put before the status line, e.g. [prod]"},
    "timeout":           {"type": "number", "minimum": 0, "default": 10, "description": "seconds"}
  }
}`

func init() {
	sdk.Reaction(sdk.Manifest{
		Name:         "twilio-sms",
		Version:      "0.1.0",
		Description:  "Send the monitor's status as an SMS through Twilio.",
		Config:       json.RawMessage(schema),
		Capabilities: []string{"http"},
		Target:       "api_url",
	}, react)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
