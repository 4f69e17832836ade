// Command cpu-idle is a check plugin: over SSH, sample /proc/stat twice
// and compare the share of CPU time spent idle with a threshold.
package main

import (
	"github.com/runbookhq/runbook/plugins/internal/sshcheck"
	"github.com/runbookhq/runbook/sdk"
)

const (
	defaultLimit    = 10
	defaultFailWhen = "below"
	defaultInterval = 1
)

var schema = sshcheck.Schema(sshcheck.ThresholdProps("idle CPU, percent", 0, 100, defaultLimit, defaultFailWhen) + `,
    "interval": {"type": "integer", "minimum": 1, "maximum": 10, "default": 1, "description": "seconds between the two samples"}`)

func init() {
	sdk.Check(sshcheck.Manifest("cpu-idle", "0.1.0",
		"Over SSH, measure idle CPU (with I/O wait) between two /proc/stat samples; failed below a threshold (default 10%).", schema), check)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
