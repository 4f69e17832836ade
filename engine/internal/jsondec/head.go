package jsondec

import (
	"encoding/json"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// Head is what a store needs to file a history row without decoding all
// of it: its id, its monitor and when it happened (FinishedAt, or
// ScheduledAt without one). ID and MonitorID point into the row.
type Head struct {
	ID, MonitorID []byte
	At            time.Time
}

// ResultHead reads h from a result row and checks the rest of the row as
// jsonenc writes it, allocating nothing: every field it keeps decodes into
// engine.Result, so a row it accepts can be stored as it is and read back
// with encoding/json. False means "not sure": decode the row instead.
func ResultHead(b []byte, h *Head) bool {
	var scheduled, finished time.Time
	*h = Head{}
	ok := object(b, func(key string, v []byte) bool {
		switch key {
		case "id":
			return plainField(v, &h.ID)
		case "monitor_id":
			return plainField(v, &h.MonitorID)
		case "zone", "source", "status", "message", "plugin", "digest":
			return plainField(v, nil)
		case "metrics":
			// Rare on the hot path: the standard decoder checks it.
			var m map[string]float64
			return len(v) > 0 && v[0] == '{' && json.Unmarshal(v, &m) == nil
		case "duration":
			var d engine.Duration
			return d.UnmarshalJSON(v) == nil
		case "scheduled_at":
			return tm(v, &scheduled)
		case "finished_at":
			return tm(v, &finished)
		}
		return false
	})
	if !ok || len(h.ID) == 0 {
		return false
	}
	h.At = finished
	if finished.IsZero() {
		h.At = scheduled
	}
	return true
}

// plainField checks a plain string value, keeping its bytes in into.
func plainField(v []byte, into *[]byte) bool {
	s, rest, ok := plainString(v)
	if !ok || len(rest) != 0 {
		return false
	}
	if into != nil {
		*into = s
	}
	return true
}
