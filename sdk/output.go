package sdk

import (
	"fmt"

	"github.com/runbookhq/runbook/host/abi"
)

// Healthy is a passing check.
func Healthy(format string, args ...any) Output { return out(abi.StatusHealthy, format, args) }

// Failed is a failing check or reaction.
func Failed(format string, args ...any) Output { return out(abi.StatusFailed, format, args) }

// Unknown is a check that could not decide (bad config, an error that says
// nothing about the target's health).
func Unknown(format string, args ...any) Output { return out(abi.StatusUnknown, format, args) }

// OK is a reaction that did its job.
func OK(format string, args ...any) Output { return out(abi.StatusOK, format, args) }

func out(status, format string, args []any) Output {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return Output{Status: status, Message: msg}
}
