package jsonenc

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// The encoders produce byte for byte what encoding/json does.
func TestSameBytesAsEncodingJSON(t *testing.T) {
	odd := "é\"\\<\n>&\u2028\x01"
	zone := time.FixedZone("x", 3600)
	jobs := []engine.Job{
		{ID: "m.z.1", MonitorID: "m", Zone: "z", Check: "fixed", ScheduledAt: time.UnixMilli(1_700_000_000_123), Timeout: engine.Duration(10 * time.Second)},
		{ID: odd, MonitorID: odd, Zone: "z", Check: "http-status", Version: "1.2.3",
			Config: json.RawMessage(`{"url":"http://a/?x=1"}`), ScheduledAt: time.Unix(0, 42).In(zone), Timeout: engine.Duration(1500 * time.Millisecond),
			SealedSecrets: "rbsec1:0a0b0c0d:c2VhbGVk+/"},
		{},
	}
	for _, j := range jobs {
		want, _ := json.Marshal(j)
		if got := Job(nil, j); string(got) != string(want) {
			t.Errorf("job:\n got %s\nwant %s", got, want)
		}
	}
	results := []engine.Result{
		{ID: "m.z.1", MonitorID: "m", Zone: "z", Source: engine.SourceCheck, Status: engine.StatusHealthy,
			Duration: engine.Duration(250 * time.Microsecond), ScheduledAt: time.UnixMilli(1_700_000_000_123), FinishedAt: time.Unix(1_700_000_000, 999_999_999).UTC(),
			Plugin: "fixed", Digest: "sha256:ab"},
		{ID: odd, Message: odd, Metrics: map[string]float64{"b": 1e21, "a": 0.000001, "c": 12.5}, FinishedAt: time.Unix(5, 0).In(zone)},
		{},
	}
	for _, r := range results {
		want, _ := json.Marshal(r)
		got, err := Result(nil, r)
		if err != nil || string(got) != string(want) {
			t.Errorf("result:\n got %s %v\nwant %s", got, err, want)
		}
	}
	if _, err := Result(nil, engine.Result{Metrics: map[string]float64{"x": math.NaN()}}); err == nil {
		t.Error("a NaN metric encoded without error, as encoding/json would refuse it")
	}
}
