// Command free-memory is a check plugin: over SSH, read /proc/meminfo and
// compare available memory with a threshold.
package main

import (
	"github.com/runbookhq/runbook/plugins/internal/sshcheck"
	"github.com/runbookhq/runbook/sdk"
)

const (
	defaultLimit    = 10
	defaultFailWhen = "below"
)

var schema = sshcheck.Schema(sshcheck.ThresholdProps("available memory, in unit", 0, 1<<30, defaultLimit, defaultFailWhen) + `,
    "unit": {"type": "string", "enum": ["percent", "MiB"], "default": "percent", "description": "unit of threshold"}`)

func init() {
	sdk.Check(sshcheck.Manifest("free-memory", "0.1.0",
		"Over SSH, read MemAvailable from /proc/meminfo; failed below a threshold (default 10%).", schema), check)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
