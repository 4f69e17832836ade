// Command filesystem-usage is a check plugin: over SSH, `df -P -k PATH`
// and compare the filesystem's use with a threshold.
package main

import (
	"github.com/runbookhq/runbook/plugins/internal/sshcheck"
	"github.com/runbookhq/runbook/sdk"
)

const (
	defaultLimit    = 90
	defaultFailWhen = "above"
)

var schema = sshcheck.Schema(sshcheck.ThresholdProps("used space, percent (as df's Capacity)", 0, 100, defaultLimit, defaultFailWhen) + `,
    "path": {"type": "string", "pattern": "^/[A-Za-z0-9_./@+:-]*$", "maxLength": 4096, "default": "/", "description": "a path on the filesystem to check"}`)

func init() {
	sdk.Check(sshcheck.Manifest("filesystem-usage", "0.1.0",
		"Over SSH, read a filesystem's use with df; failed above a threshold (default 90%).", schema), check)
}

// main is required by Go but never runs (c-shared reactor module).
func main() {}
