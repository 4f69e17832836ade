package control

import (
	"encoding/json"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// appendJob is json.Marshal(j) without reflection: control encodes every
// job of the zone (10,000 a second at capacity) and the reflective encoder
// (with Config re-validated and compacted) was a third of its CPU. Config
// is appended as it came from the monitor JSON, which the decoder in job
// has just validated. The worker decodes it with encoding/json.
func appendJob(b []byte, j engine.Job) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, j.ID)
	b = append(b, `,"monitor_id":`...)
	b = appendString(b, j.MonitorID)
	b = append(b, `,"zone":`...)
	b = appendString(b, j.Zone)
	b = append(b, `,"check":`...)
	b = appendString(b, j.Check)
	if j.Version != "" {
		b = append(b, `,"version":`...)
		b = appendString(b, j.Version)
	}
	if len(j.Config) > 0 {
		b = append(b, `,"config":`...)
		b = append(b, j.Config...)
	}
	b = append(b, `,"scheduled_at":"`...)
	b = j.ScheduledAt.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","timeout":`...)
	b = appendString(b, j.Timeout.D().String())
	return append(b, '}')
}

// appendString appends s as a JSON string: plain printable ASCII as is,
// anything else through encoding/json, so escaping stays exactly its.
func appendString(b []byte, s string) []byte {
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
