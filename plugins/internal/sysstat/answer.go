package sysstat

import (
	"fmt"
	"strings"
)

// ParseUnitState reads `systemctl is-active UNIT`: one word such as
// active, inactive, failed, activating.
func ParseUnitState(s string) (string, error) {
	w := strings.TrimSpace(s)
	if w == "" || strings.ContainsAny(w, " \t\n") || len(w) > 64 {
		return "", fmt.Errorf("systemctl is-active: %q: want one state word", truncate(w))
	}
	return w, nil
}

// ParseRunning reads `docker inspect -f {{.State.Running}} NAME`: true
// or false.
func ParseRunning(s string) (bool, error) {
	switch w := strings.TrimSpace(s); w {
	case "true":
		return true, nil
	case "false":
		return false, nil
	default:
		return false, fmt.Errorf("docker inspect: %q: want true or false", truncate(w))
	}
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
