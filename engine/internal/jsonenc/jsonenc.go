// Package jsonenc encodes the pipeline's hot messages (jobs and results,
// one each per check at up to 10,000 a second) without reflection. The
// output is what encoding/json produces for the same value, field for
// field; anything unusual (non-ASCII or escaped strings, metrics) is
// handed to encoding/json itself, so escaping and number formatting stay
// exactly its. Decoding stays with encoding/json.
package jsonenc

import (
	"encoding/json"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// Job appends j as JSON. Config is appended as is: callers pass config
// taken from a document encoding/json already validated.
func Job(b []byte, j engine.Job) []byte {
	b = append(b, `{"id":`...)
	b = String(b, j.ID)
	b = append(b, `,"monitor_id":`...)
	b = String(b, j.MonitorID)
	b = append(b, `,"zone":`...)
	b = String(b, j.Zone)
	b = append(b, `,"check":`...)
	b = String(b, j.Check)
	if j.Version != "" {
		b = append(b, `,"version":`...)
		b = String(b, j.Version)
	}
	if len(j.Config) > 0 {
		b = append(b, `,"config":`...)
		b = append(b, j.Config...)
	}
	b = append(b, `,"scheduled_at":`...)
	b = Time(b, j.ScheduledAt)
	b = append(b, `,"timeout":`...)
	b = String(b, j.Timeout.D().String())
	if j.SealedSecrets != "" {
		b = append(b, `,"sealed_secrets":`...)
		b = String(b, j.SealedSecrets)
	}
	return append(b, '}')
}

// Result appends r as JSON.
func Result(b []byte, r engine.Result) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = String(b, r.ID)
	b = append(b, `,"monitor_id":`...)
	b = String(b, r.MonitorID)
	b = append(b, `,"zone":`...)
	b = String(b, r.Zone)
	b = append(b, `,"source":`...)
	b = String(b, string(r.Source))
	b = append(b, `,"status":`...)
	b = String(b, string(r.Status))
	if r.Message != "" {
		b = append(b, `,"message":`...)
		b = String(b, r.Message)
	}
	if len(r.Metrics) > 0 {
		m, err := json.Marshal(r.Metrics)
		if err != nil {
			return b, err
		}
		b = append(b, `,"metrics":`...)
		b = append(b, m...)
	}
	b = append(b, `,"duration":`...)
	b = String(b, r.Duration.D().String())
	b = append(b, `,"scheduled_at":`...)
	b = Time(b, r.ScheduledAt)
	b = append(b, `,"finished_at":`...)
	b = Time(b, r.FinishedAt)
	if r.Plugin != "" {
		b = append(b, `,"plugin":`...)
		b = String(b, r.Plugin)
	}
	if r.Digest != "" {
		b = append(b, `,"digest":`...)
		b = String(b, r.Digest)
	}
	return append(b, '}'), nil
}

// Time appends t as time.Time.MarshalJSON does (RFC 3339 with
// nanoseconds, quoted); a year outside 0-9999 goes through it for its
// error-free fallback.
func Time(b []byte, t time.Time) []byte {
	if y := t.Year(); y < 0 || y > 9999 {
		q, _ := json.Marshal(t)
		return append(b, q...)
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// String appends s as a JSON string: printable ASCII that needs no escape
// as is, anything else through encoding/json.
func String(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
