package jsondec

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/internal/jsonenc"
)

// A row jsonenc wrote is accepted with its id, monitor and time; the
// stored bytes decode with encoding/json to the same result.
func TestResultHeadReadsWhatJsonencWrote(t *testing.T) {
	fin := time.Date(2026, 11, 26, 14, 0, 0, 123456789, time.UTC)
	r := engine.Result{ID: "m1.z.1", MonitorID: "m1", Zone: "z", Status: engine.StatusFailed, Message: "down",
		Metrics: map[string]float64{"ms": 1.5}, Duration: engine.Duration(250 * time.Microsecond),
		ScheduledAt: fin.Add(-time.Second), FinishedAt: fin, Plugin: "fixed", Digest: "sha256:ab"}
	b, err := jsonenc.Result(nil, r)
	if err != nil {
		t.Fatal(err)
	}
	var h Head
	if !ResultHead(b, &h) {
		t.Fatalf("rejected %s", b)
	}
	if string(h.ID) != r.ID || string(h.MonitorID) != r.MonitorID || !h.At.Equal(fin) {
		t.Fatalf("head %q %q %v", h.ID, h.MonitorID, h.At)
	}
	r.FinishedAt = time.Time{}
	b, _ = jsonenc.Result(nil, r)
	if !ResultHead(b, &h) || !h.At.Equal(r.ScheduledAt) {
		t.Fatalf("without finished_at: at %v, want scheduled %v", h.At, r.ScheduledAt)
	}
}

// Rows the fast path cannot vouch for are refused, so the caller decodes
// them (and moves aside what encoding/json refuses too).
func TestResultHeadRefusesWhatItCannotVouchFor(t *testing.T) {
	for _, row := range []string{
		`{"id":"a","monitor_id":"m","status":5}`,
		`{"id":"a","monitor_id":"m","metrics":{"x":"y"}}`,
		`{"id":"a","monitor_id":"m","duration":"soon"}`,
		`{"id":"a","monitor_id":"m","finished_at":"yesterday"}`,
		`{"id":"a","monitor_id":"m","unknown":1}`,
		`{"id":"a\u0041","monitor_id":"m"}`,
		`{"monitor_id":"m"}`,
		`{"id":"a","monitor_id":"m"`,
		`not json`,
	} {
		var h Head
		if ResultHead([]byte(row), &h) {
			t.Errorf("accepted %s", row)
		}
		var r engine.Result
		_ = json.Unmarshal([]byte(row), &r) // what the caller falls back to
	}
}

func BenchmarkResultHead(b *testing.B) {
	row, _ := jsonenc.Result(nil, engine.Result{ID: "m1.z.1", MonitorID: "m1", Zone: "z", Status: engine.StatusHealthy,
		ScheduledAt: time.Now(), FinishedAt: time.Now(), Duration: engine.Duration(time.Millisecond), Plugin: "fixed", Digest: "sha256:ab"})
	b.ReportAllocs()
	for b.Loop() {
		var h Head
		ResultHead(row, &h)
	}
}
