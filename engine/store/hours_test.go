package store

import (
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// A stored row is read for zone, status and duration only; a row with no
// status is refused rather than counted as unknown.
func TestHourSummerAddJSON(t *testing.T) {
	at := time.Date(2026, 11, 26, 10, 59, 59, 0, time.UTC)
	h := NewHourSummer("m1", 0)
	rows := []string{
		`{"id":"a","monitor_id":"m1","zone":"z1","status":"failed","message":"x \"status\":\"healthy\"","metrics":{"status":500},"duration":"1.5s"}`,
		`{"zone":"z1","status":"healthy","duration":0.25}`,
	}
	for _, r := range rows {
		if err := h.AddJSON(at, []byte(r)); err != nil {
			t.Fatalf("AddJSON(%s): %v", r, err)
		}
	}
	if err := h.AddJSON(at, []byte(`{"zone":"z1","duration":"1s"}`)); err == nil {
		t.Error("row without status: no error")
	}
	if err := h.AddJSON(at, []byte(`{"status":"healthy","duration":"soon"}`)); err == nil {
		t.Error("row with a bad duration: no error")
	}
	got := h.Done(false)
	if len(got.Hours) != 1 || got.Rows != 2 || !got.Complete {
		t.Fatalf("got %+v, want one hour of 2 rows", got)
	}
	r := got.Hours[0]
	if !r.Start.Equal(at.Truncate(time.Hour)) || r.Zone != "z1" || r.Healthy != 1 || r.Failed != 1 ||
		r.MaxDuration != engine.Duration(1500*time.Millisecond) || r.MinDuration != engine.Duration(250*time.Millisecond) {
		t.Errorf("hour %+v: want 10:00 z1, 1 healthy, 1 failed, 250ms..1.5s", r)
	}
}
