// Command aws-ec2 is a reaction plugin: reboot, start or stop EC2
// instances through the EC2 Query API, signed with AWS Signature
// Version 4.
package main

import (
	"encoding/json"

	"github.com/runbookhq/runbook/sdk"
)

const schema = `{
  "type": "object",
  "required": ["endpoint", "region", "action", "instance_ids"],
  "additionalProperties": false,
  "properties": {
    "endpoint":                 {"type": "string", "format": "uri", "default": "https://ec2.us-east-1.amazonaws.com", "description": "EC2 endpoint of the region; the network target"},
    "region":                   {"type": "string", "default": "us-east-1"},
    "action":                   {"type": "string", "enum": ["reboot", "start", "stop"]},
    "instance_ids":             {"type": "array", "minItems": 1, "maxItems": 50, "items": {"type": "string"}},
    "force":                    {"type": "boolean", "default": false, "description": "stop only: force the instances to stop"},
    "access_key_id_secret":     {"type": "string", "default": "aws_access_key_id", "description": "name of the secret holding the access key id"},
    "secret_access_key_secret": {"type": "string", "default": "aws_secret_access_key", "description": "name of the secret holding the secret access key"},
    "session_token_secret":     {"type": "string", "description": "name of the secret holding a session token (temporary credentials); none by default"},
    "timeout":                  {"type": "number", "minimum": 0, "default": 20, "description": "seconds"}
  }
}`

func init() {
	sdk.Reaction(sdk.Manifest{
		Name:         "aws-ec2",
		Version:      "0.1.0",
		Description:  "Reboot, start or stop EC2 instances (EC2 Query API, Signature Version 4).",
		Config:       json.RawMessage(schema),
		Capabilities: []string{"http"},
		Target:       "endpoint",
	}, react)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
