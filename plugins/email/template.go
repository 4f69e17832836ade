package main

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/sdk"
)

// The defaults say what happened in the subject, so a phone's lock screen
// is enough, and everything known in the body.
const (
	defaultSubject = `[Runbook] {{.Monitor}} is {{upper .Status}}`
	defaultBody    = `{{.Summary}}

Monitor: {{.Monitor}}{{if and .MonitorName .MonitorID}} ({{.MonitorID}}){{end}}
Status:  {{.Status}}{{if .PreviousStatus}} (was {{.PreviousStatus}}){{end}}
{{- if .Message}}
Message: {{.Message}}{{end}}
{{- if .Zone}}
Zone:    {{.Zone}}{{end}}
{{- if not .ScheduledAt.IsZero}}
At:      {{rfc3339 .ScheduledAt}}{{end}}

-- 
Sent by Runbook{{if .ReactionName}} (reaction "{{.ReactionName}}"){{end}}.
`
)

// Data is what subject and body templates see. Its field names are the
// plugin's contract with users' templates: add, never rename.
type Data struct {
	// Monitor is the monitor's name, or its id when it has none.
	Monitor                           string
	MonitorID, MonitorName, Zone      string
	Status, PreviousStatus, Message   string
	ReactionID, ReactionName, Summary string
	ScheduledAt                       time.Time
}

func dataOf(ctx sdk.Context) Data {
	return Data{
		Monitor: reactkit.Name(ctx), MonitorID: ctx.MonitorID, MonitorName: ctx.MonitorName, Zone: ctx.Zone,
		Status: ctx.Status, PreviousStatus: ctx.PreviousStatus, Message: ctx.Message,
		ReactionID: ctx.ReactionID, ReactionName: ctx.ReactionName, Summary: reactkit.Summary(ctx),
		ScheduledAt: ctx.ScheduledAt,
	}
}

// sample is rendered at validation time: parsing alone does not catch
// {{.Monitr}} (no such field) or {{upper}} (missing argument).
var sample = Data{
	Monitor: "api", MonitorID: "m1", MonitorName: "api", Zone: "eu-1", Status: "failed", PreviousStatus: "healthy",
	Message: "status 503", ReactionID: "r1", ReactionName: "mail ops", Summary: "api is failed (was healthy): status 503",
	ScheduledAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
}

// maxRendered bounds a rendered subject or body; a template can loop.
const maxRendered = 256 << 10

var funcs = template.FuncMap{
	"upper":   strings.ToUpper,
	"lower":   strings.ToLower,
	"rfc3339": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
}

// render parses and executes text for d; errors start with field.
func render(field, text string, d Data) (string, error) {
	tmpl, err := template.New(field).Option("missingkey=error").Funcs(funcs).Parse(text)
	if err != nil {
		return "", fmt.Errorf("%s: %w", field, err)
	}
	var buf limitedBuffer
	if err := tmpl.Execute(&buf, d); err != nil {
		return "", fmt.Errorf("%s: %w", field, err)
	}
	return buf.String(), nil
}

// oneLine makes a rendered subject one line. The SDK already strips CR
// and LF from header values (so a message cannot start a header of its
// own); folding every run of white space to one space first keeps the
// words of a multi-line monitor message apart.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// limitedBuffer refuses to grow past maxRendered.
type limitedBuffer struct{ bytes.Buffer }

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > maxRendered {
		return 0, fmt.Errorf("rendered text exceeds %d bytes", maxRendered)
	}
	return b.Buffer.Write(p)
}
