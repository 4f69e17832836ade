package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// testHistoryHours: raw history summed per hour and zone by the store
// equals the rollups Retain would build from the same rows, within the
// asked range, for the asked monitor only.
func testHistoryHours(t *testing.T, f Factory) {
	ctx, s := testCtx(t), f.Open(t)
	addRaw(t, ctx, s, append(oldRows, keptRows...)...)
	hoursOf := func(monitor string, q store.HoursQuery) store.HourSums {
		t.Helper()
		got, err := s.HistoryHours(ctx, monitor, q)
		must(t, err, "sum history hours of "+monitor)
		for i, r := range got.Hours {
			if r.MonitorID != monitor || r.Period != store.PeriodHour {
				t.Errorf("asked for hours of %s, got %s %s", monitor, r.MonitorID, r.Period)
			}
			if i > 0 && r.Start.Before(got.Hours[i-1].Start) {
				t.Errorf("hours not oldest first: %s after %s", r.Start, got.Hours[i-1].Start)
			}
		}
		return got
	}
	sums := func(hs store.HourSums) []summary {
		out := make([]summary, len(hs.Hours))
		for i, r := range hs.Hours {
			out[i] = sum(r)
		}
		return out
	}

	old := store.HoursQuery{Before: day0.Add(2 * 24 * hr)}
	got := hoursOf("web", old)
	sameSummaries(t, "hours of web's old rows", sums(got), wantWebHourly)
	if got.Rows != 6 || !got.Complete || !got.Oldest.Equal(day0.Add(10*hr+5*mn)) {
		t.Errorf("read %d rows, complete %t, oldest %s; want 6, true, %s", got.Rows, got.Complete, got.Oldest, day0.Add(10*hr+5*mn))
	}
	sameSummaries(t, "hours of db's old rows", sums(hoursOf("db", old)), wantDBHourly)

	// Since inclusive, Before exclusive, by the row's time.
	got = hoursOf("web", store.HoursQuery{Since: day0.Add(10*hr + 35*mn), Before: day0.Add(11*hr + 15*mn)})
	sameSummaries(t, "hours of web in [10:35, 11:15)", sums(got), []summary{
		{"z1", day0.Add(10 * hr), 2, 0, 1, 1, 40 * ms, 300 * ms, 340 * ms},
	})

	if got := hoursOf("nope", store.HoursQuery{}); len(got.Hours) != 0 || got.Rows != 0 || !got.Complete {
		t.Errorf("unknown monitor: %+v, want nothing, complete", got)
	}
	if _, err := s.HistoryHours(ctx, "", store.HoursQuery{}); err == nil {
		t.Error("no monitor named: no error")
	}
}

// testHistoryHoursMaxRows: a bounded read counts the newest rows and says
// when it left some out; a bound the rows fit in is complete.
func testHistoryHoursMaxRows(t *testing.T, f Factory) {
	ctx, s := testCtx(t), f.Open(t)
	var specs []rawSpec
	for i := range 5 {
		specs = append(specs, rawSpec{"web", "z1", time.Duration(i) * 20 * mn, engine.StatusHealthy, ms})
	}
	addRaw(t, ctx, s, specs...)
	cases := []struct {
		max, rows int
		complete  bool
		oldest    time.Duration
	}{
		{0, 5, true, 0}, {3, 3, false, 40 * mn}, {5, 5, true, 0}, {9, 5, true, 0},
	}
	for _, c := range cases {
		got, err := s.HistoryHours(ctx, "web", store.HoursQuery{MaxRows: c.max})
		must(t, err, fmt.Sprintf("sum hours, at most %d rows", c.max))
		var n int64
		for _, r := range got.Hours {
			n += r.Count
		}
		if got.Rows != c.rows || n != int64(c.rows) || got.Complete != c.complete || !got.Oldest.Equal(day0.Add(c.oldest)) {
			t.Errorf("max %d: %d rows (%d in hours), complete %t, oldest %s; want %d, %t, %s",
				c.max, got.Rows, n, got.Complete, got.Oldest, c.rows, c.complete, day0.Add(c.oldest))
		}
	}
}

// testHistoryHoursMany: more rows than one backend read returns, several
// of them at one instant (one result per zone), are each counted once.
func testHistoryHoursMany(t *testing.T, f Factory) {
	ctx, s := testCtx(t), f.Open(t)
	const n = 6000
	rows := make([]engine.Result, 0, n)
	zones := []string{"z1", "z2", "z3"}
	for i := range n {
		at := day0.Add(time.Duration(i/len(zones)) * 5 * time.Second)
		z := zones[i%len(zones)]
		st := engine.StatusHealthy
		if i%10 == 0 {
			st = engine.StatusFailed
		}
		rows = append(rows, engine.Result{ID: engine.ResultID("web", z, at), MonitorID: "web", Zone: z,
			Status: st, Duration: engine.Duration(ms), ScheduledAt: at, FinishedAt: at})
	}
	must(t, s.AddHistory(ctx, rows...), "add history")
	got, err := s.HistoryHours(ctx, "web", store.HoursQuery{})
	must(t, err, "sum hours")
	var count, failed int64
	for _, r := range got.Hours {
		count += r.Count
		failed += r.Failed
	}
	if got.Rows != n || count != n || failed != n/10 || !got.Complete {
		t.Errorf("counted %d rows (%d in hours, %d failed), complete %t; want %d, %d failed, complete", got.Rows, count, failed, got.Complete, n, n/10)
	}
	// 2,000 instants 5 s apart: 2 hours and 47 minutes, 3 zones each.
	if len(got.Hours) != 9 {
		t.Errorf("%d hour-zone sums, want 9", len(got.Hours))
	}
}
