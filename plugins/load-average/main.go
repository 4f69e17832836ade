// Command load-average is a check plugin: over SSH, read /proc/loadavg
// and the CPU count, and compare the load (per CPU by default) with a
// threshold.
package main

import (
	"github.com/runbookhq/runbook/plugins/internal/sshcheck"
	"github.com/runbookhq/runbook/sdk"
)

const (
	defaultLimit    = 1.5
	defaultFailWhen = "above"
)

var schema = sshcheck.Schema(sshcheck.ThresholdProps("load average (per CPU unless per_cpu is false)", 0, 10000, defaultLimit, defaultFailWhen) + `,
    "period":  {"type": "integer", "enum": [1, 5, 15], "default": 5, "description": "minutes the load is averaged over"},
    "per_cpu": {"type": "boolean", "default": true, "description": "divide the load by the number of online CPUs"}`)

func init() {
	sdk.Check(sshcheck.Manifest("load-average", "0.1.0",
		"Over SSH, read the 1, 5 or 15-minute load average; failed above a threshold (default 1.5 per CPU).", schema), check)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
