// Command cloudflare-failover is a reaction plugin: DNS failover on
// Cloudflare. When the monitor fails it takes the failing address out of
// a name's records (or swaps it for a standby), never removing the last
// one; when the monitor recovers it puts the address back.
package main

import (
	"encoding/json"

	"github.com/runbookhq/runbook/sdk"
)

const schema = `{
  "type": "object",
  "required": ["api_url", "zone_id", "record_name", "failing_ip"],
  "additionalProperties": false,
  "properties": {
    "api_url":            {"type": "string", "format": "uri", "default": "https://api.cloudflare.com", "description": "API base URL (v4 paths are added); the network target"},
    "token_secret":       {"type": "string", "default": "cloudflare_api_token", "description": "name of the secret holding an API token with DNS edit permission"},
    "zone_id":            {"type": "string", "pattern": "^[0-9a-f]{32}$"},
    "record_name":        {"type": "string", "description": "fully qualified name, e.g. www.example.com"},
    "record_type":        {"type": "string", "enum": ["A", "AAAA"], "default": "A"},
    "failing_ip":         {"type": "string", "description": "the address of the monitored server, taken out on failure"},
    "standby_ip":         {"type": "string", "description": "put in its place when it would otherwise be the last record (or always, when set)"},
    "restore_on_healthy": {"type": "boolean", "default": true, "description": "add failing_ip back when the monitor recovers"},
    "ttl":                {"type": "integer", "minimum": 1, "default": 1, "description": "TTL of a restored record; 1 is automatic"},
    "proxied":            {"type": "boolean", "default": false, "description": "proxy a restored record through Cloudflare"},
    "timeout":            {"type": "number", "minimum": 0, "default": 20, "description": "seconds"}
  }
}`

func init() {
	sdk.Reaction(sdk.Manifest{
		Name:         "cloudflare-failover",
		Version:      "0.1.0",
		Description:  "Cloudflare DNS failover: remove (or replace with a standby) the failing address, never the last record; restore it on recovery.",
		Config:       json.RawMessage(schema),
		Capabilities: []string{"http"},
		Target:       "api_url",
	}, react)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
