// Command ssh-command is a check plugin: run a command over SSH, directly
// or through a jump host; exit 0 (and, when given, output matching) is
// healthy.
package main

import (
	"github.com/runbookhq/runbook/plugins/internal/sshcheck"
	"github.com/runbookhq/runbook/sdk"
)

var schema = sshcheck.Schema(`
    "command":         {"type": "string"},
    "expected_output": {"type": "string", "description": "regular expression stdout must match"}`, "command")

func init() {
	sdk.Check(sshcheck.Manifest("ssh-command", "0.2.0",
		"Run a command over SSH (optionally through a jump host) with a key from the monitor's secrets; healthy on exit 0 (and expected output).",
		schema), check)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
