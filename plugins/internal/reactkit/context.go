package reactkit

import "github.com/runbookhq/runbook/sdk"

// Name is how a monitor is called in a notification: its name, or its id
// when it has none.
func Name(ctx sdk.Context) string {
	if ctx.MonitorName != "" {
		return ctx.MonitorName
	}
	if ctx.MonitorID != "" {
		return ctx.MonitorID
	}
	return "monitor"
}

// Healthy says the trigger is a recovery: reactions that open something
// on failure close it on healthy.
func Healthy(ctx sdk.Context) bool { return ctx.Status == "healthy" }

// Summary is the one-line description of the trigger used by every
// notification: "api is failed (was healthy): status 503".
func Summary(ctx sdk.Context) string {
	s := Name(ctx) + " is " + orUnknown(ctx.Status)
	if ctx.PreviousStatus != "" && ctx.PreviousStatus != ctx.Status {
		s += " (was " + ctx.PreviousStatus + ")"
	}
	if ctx.Message != "" {
		s += ": " + ctx.Message
	}
	return s
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
