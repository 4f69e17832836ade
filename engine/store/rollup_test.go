package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

func TestRetentionPolicy(t *testing.T) {
	const day = 24 * time.Hour
	cases := []struct {
		name string
		p    store.RetentionPolicy
		want string // "" = valid; else a field the error names
	}{
		{"defaults", store.RetentionPolicy{}, ""},
		{"raw shorter than a day", store.RetentionPolicy{Raw: time.Hour}, "raw"},
		{"hourly not beyond raw", store.RetentionPolicy{Raw: 30 * day, Hourly: 30 * day}, "hourly"},
		{"daily shorter than hourly", store.RetentionPolicy{Hourly: 200 * day, Daily: 100 * day}, "daily"},
		{"a week raw", store.RetentionPolicy{Raw: 7 * day, Hourly: 8 * day, Daily: 8 * day}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.p.Normalize()
			err := c.p.Validate()
			if (err == nil) != (c.want == "") || (err != nil && !strings.Contains(err.Error(), c.want)) {
				t.Errorf("Validate() = %v, want an error naming %q", err, c.want)
			}
		})
	}
	d := store.DefaultRetention()
	if d.Raw != 30*day || d.Daily < 365*day {
		t.Errorf("default policy %+v: want 30 days raw and at least a year of daily rollups", d)
	}
	now := time.Date(2025, 3, 31, 15, 4, 5, 0, time.UTC)
	if got := d.Cutoff(now); !got.Equal(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("cutoff %s, want midnight 30 days before", got)
	}
}

func TestRollupFigures(t *testing.T) {
	res := func(s engine.Status, d time.Duration) engine.Result {
		return engine.Result{Status: s, Duration: engine.Duration(d)}
	}
	var a, b store.Rollup
	for i := range 90 {
		a.Add(res(engine.StatusHealthy, time.Duration(10+i%5)*time.Millisecond))
	}
	for range 10 {
		b.Add(res(engine.StatusFailed, 3*time.Second))
	}
	b.Add(res(engine.StatusUnknown, 0))
	var d store.Rollup
	d.Merge(a)
	d.Merge(b)
	d.Merge(store.Rollup{}) // an empty hour changes nothing
	cases := []struct {
		name      string
		got, want any
	}{
		{"count", d.Count, int64(101)},
		{"uptime leaves unknown out", d.Uptime(), 90.0},
		{"min", d.MinDuration.D(), time.Duration(0)},
		{"max", d.MaxDuration.D(), 3 * time.Second},
		{"p95 falls in the slow bucket", d.P95(), 3 * time.Second},
		{"p95 capped by the slowest result", a.P95(), 14 * time.Millisecond},
		{"mean", a.MeanDuration(), 12 * time.Millisecond},
		{"empty uptime", store.Rollup{}.Uptime(), 100.0},
		{"empty p95", store.Rollup{}.P95(), time.Duration(0)},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}
