// Command swap-used is a check plugin: over SSH, read /proc/meminfo and
// compare swap in use with a threshold.
package main

import (
	"github.com/runbookhq/runbook/plugins/internal/sshcheck"
	"github.com/runbookhq/runbook/sdk"
)

const (
	defaultLimit    = 50
	defaultFailWhen = "above"
)

var schema = sshcheck.Schema(sshcheck.ThresholdProps("swap in use, in unit", 0, 1<<30, defaultLimit, defaultFailWhen) + `,
    "unit": {"type": "string", "enum": ["percent", "MiB"], "default": "percent", "description": "unit of threshold"}`)

func init() {
	sdk.Check(sshcheck.Manifest("swap-used", "0.1.0",
		"Over SSH, read swap use from /proc/meminfo; failed above a threshold (default 50%).", schema), check)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
