package main

import (
	"time"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/sdk"
)

// event is an Events API v2 event. Resolve events carry no payload: the
// API needs only the routing key, the action and the dedup key.
type event struct {
	RoutingKey  string   `json:"routing_key"`
	EventAction string   `json:"event_action"`
	DedupKey    string   `json:"dedup_key"`
	Client      string   `json:"client,omitempty"`
	Payload     *payload `json:"payload,omitempty"`
}

type payload struct {
	Summary       string            `json:"summary"`
	Source        string            `json:"source"`
	Severity      string            `json:"severity"`
	Timestamp     string            `json:"timestamp,omitempty"`
	Component     string            `json:"component,omitempty"`
	Group         string            `json:"group,omitempty"`
	Class         string            `json:"class,omitempty"`
	CustomDetails map[string]string `json:"custom_details,omitempty"`
}

// maxSummary is the Events API's limit on payload.summary.
const maxSummary = 1024

// dedupKey is stable per monitor, so the resolve sent on recovery closes
// the incident the failure opened, from whichever zone sends it.
func dedupKey(ctx sdk.Context) string { return "runbook/" + ctx.MonitorID }

// build returns the event for this trigger: healthy resolves, anything
// else (failed, or unknown when a user reacts to it) triggers.
func build(ctx sdk.Context, cfg Config, key string) event {
	ev := event{RoutingKey: key, DedupKey: dedupKey(ctx), Client: "Runbook"}
	if reactkit.Healthy(ctx) {
		ev.EventAction = "resolve"
		return ev
	}
	ev.EventAction = "trigger"
	summary := reactkit.Summary(ctx)
	if len(summary) > maxSummary {
		summary = summary[:maxSummary-3] + "..."
	}
	source := cfg.Source
	if source == "" {
		source = "runbook"
		if ctx.Zone != "" {
			source += "/" + ctx.Zone
		}
	}
	sev := cfg.Severity
	if sev == "" {
		sev = "critical"
	}
	p := &payload{
		Summary: summary, Source: source, Severity: sev,
		Component: cfg.Component, Group: cfg.Group, Class: cfg.Class,
		CustomDetails: map[string]string{
			"monitor_id": ctx.MonitorID, "monitor_name": ctx.MonitorName, "zone": ctx.Zone,
			"status": ctx.Status, "previous_status": ctx.PreviousStatus, "message": ctx.Message,
		},
	}
	if !ctx.ScheduledAt.IsZero() {
		p.Timestamp = ctx.ScheduledAt.UTC().Format(time.RFC3339)
	}
	ev.Payload = p
	return ev
}
