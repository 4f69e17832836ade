package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"text/template"
	"time"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/sdk"
)

// Data is what a body template sees. Its field names are the plugin's
// contract with users' templates: add, never rename.
type Data struct {
	MonitorID, MonitorName, Zone      string
	Status, PreviousStatus, Message   string
	ReactionID, ReactionName, Summary string
	ScheduledAt                       time.Time
}

func dataOf(ctx sdk.Context) Data {
	return Data{
		MonitorID: ctx.MonitorID, MonitorName: ctx.MonitorName, Zone: ctx.Zone,
		Status: ctx.Status, PreviousStatus: ctx.PreviousStatus, Message: ctx.Message,
		ReactionID: ctx.ReactionID, ReactionName: ctx.ReactionName, Summary: reactkit.Summary(ctx),
		ScheduledAt: ctx.ScheduledAt,
	}
}

// sample is rendered at validation time: parsing alone does not catch
// {{.Monitor}} (no such field) or {{json}} (missing argument).
var sample = Data{
	MonitorID: "m1", MonitorName: "api", Zone: "eu-1", Status: "failed", PreviousStatus: "healthy",
	Message: "status 503", ReactionID: "r1", ReactionName: "notify", Summary: "api is failed (was healthy): status 503",
	ScheduledAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
}

// maxRendered bounds a rendered body; a template can loop.
const maxRendered = 256 << 10

var funcs = template.FuncMap{
	// json quotes a value for a JSON body: {"text": {{json .Message}}}.
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"rfc3339": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
}

func parse(body string) (*template.Template, error) {
	return template.New("body").Option("missingkey=error").Funcs(funcs).Parse(body)
}

// render executes the body template for d.
func render(tmpl *template.Template, d Data) ([]byte, error) {
	var buf limitedBuffer
	if err := tmpl.Execute(&buf, d); err != nil {
		return nil, fmt.Errorf("body: %w", err)
	}
	return buf.Bytes(), nil
}

// limitedBuffer refuses to grow past maxRendered.
type limitedBuffer struct{ bytes.Buffer }

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > maxRendered {
		return 0, fmt.Errorf("rendered body exceeds %d bytes", maxRendered)
	}
	return b.Buffer.Write(p)
}
