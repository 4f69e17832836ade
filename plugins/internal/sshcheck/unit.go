package sshcheck

import (
	"errors"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
)

// CheckUnit validates a threshold given in unit ("percent", the default,
// or "MiB"). A MiB threshold has no sensible default, so it is required.
func CheckUnit(t Threshold, unit string) error {
	switch unit {
	case "", "percent":
		return t.CheckRange(0, 100)
	case "MiB":
		if t.Limit == nil {
			return errors.Join(reactkit.Field("threshold", "required when unit is MiB"), t.CheckRange(0, 1<<30))
		}
		return t.CheckRange(0, 1<<30)
	}
	return errors.Join(reactkit.OneOf("unit", unit, "percent", "MiB"), t.CheckRange(0, 1<<30))
}

// InUnit is a reading in unit: bytes as MiB, or the percentage.
func InUnit(unit string, bytes uint64, percent float64) (float64, string) {
	if unit == "MiB" {
		return float64(bytes) / (1 << 20), " MiB"
	}
	return percent, "%"
}

// TimeoutSeconds is the timeout a Conn's command gets, in seconds.
func TimeoutSeconds(timeout float64) float64 {
	if timeout <= 0 {
		return 30
	}
	return timeout
}
