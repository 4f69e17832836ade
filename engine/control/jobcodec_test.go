package control

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// appendJob decodes to the same job as json.Marshal's output, odd
// characters included.
func TestAppendJobMatchesEncodingJSON(t *testing.T) {
	for _, j := range []engine.Job{
		{ID: "m.z.1", MonitorID: "m", Zone: "z", Check: "fixed", ScheduledAt: time.UnixMilli(1_700_000_000_123), Timeout: engine.Duration(10 * time.Second)},
		{ID: "é\"\\<\n>&", MonitorID: "m\u2028", Zone: "z", Check: "http-status", Version: "1.2.3",
			Config: json.RawMessage(`{"url": "http://a/?x=<1>"}`), ScheduledAt: time.Unix(0, 42).In(time.FixedZone("x", 3600)), Timeout: engine.Duration(1500 * time.Millisecond)},
	} {
		var got, want engine.Job
		raw := appendJob(nil, j)
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		std, _ := json.Marshal(j)
		_ = json.Unmarshal(std, &want)
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(want)
		if string(gb) != string(wb) {
			t.Errorf("appendJob decodes to %s, want %s", gb, wb)
		}
	}
}
