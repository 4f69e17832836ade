package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// RunRollups is the conformance suite for history retention and rollups
// (store.Rollups). Backends call it beside RunFactory.
func RunRollups(t *testing.T, f Factory) {
	groups := []struct {
		name string
		run  func(t *testing.T, f Factory)
	}{
		{"RollsUpThenPrunes", testRollsUpThenPrunes},
		{"RunTwiceChangesNothing", testRetainTwice},
		{"RowLeftBehindDoesNotShrinkRollup", testRowLeftBehind},
		{"Expires", testRollupExpiry},
		{"Query", testRollupQuery},
		{"Concurrent", testRetainConcurrent},
		{"HistoryHours", testHistoryHours},
		{"HistoryHoursMaxRows", testHistoryHoursMaxRows},
		{"HistoryHoursMany", testHistoryHoursMany},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) { g.run(t, f) })
	}
}

// day0 is the rollup fixtures' epoch, midnight UTC.
var day0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// rollNow is when Retain runs in the fixtures: raw history from
// day0+10d on is kept (30 days before, down to midnight).
var rollNow = day0.Add(40*24*time.Hour + 12*time.Hour)

type rawSpec struct {
	monitor, zone string
	at            time.Duration // after day0
	status        engine.Status
	dur           time.Duration
}

func (r rawSpec) result() engine.Result {
	t := day0.Add(r.at)
	return engine.Result{
		ID: engine.ResultID(r.monitor, r.zone, t), MonitorID: r.monitor, Zone: r.zone,
		Source: engine.SourceCheck, Status: r.status, Duration: engine.Duration(r.dur),
		ScheduledAt: t.Add(-r.dur), FinishedAt: t, Plugin: "http-status",
	}
}

const (
	hr = time.Hour
	mn = time.Minute
	ms = time.Millisecond
)

// oldRows are older than the raw retention at rollNow; keptRows are not.
var oldRows = []rawSpec{
	{"web", "z1", 10*hr + 5*mn, engine.StatusHealthy, 10 * ms},
	{"web", "z1", 10*hr + 35*mn, engine.StatusFailed, 300 * ms},
	{"web", "z1", 10*hr + 50*mn, engine.StatusUnknown, 40 * ms},
	{"web", "z2", 10*hr + 6*mn, engine.StatusHealthy, 20 * ms},
	{"web", "z1", 11*hr + 15*mn, engine.StatusHealthy, 30 * ms},
	{"db", "z1", 10*hr + 7*mn, engine.StatusFailed, 5 * ms},
	{"web", "z1", 24*hr + 3*hr, engine.StatusHealthy, 50 * ms},
}

var keptRows = []rawSpec{
	{"web", "z1", 39 * 24 * hr, engine.StatusHealthy, 10 * ms},
	{"db", "z1", 39*24*hr + hr, engine.StatusHealthy, 10 * ms},
}

func addRaw(t *testing.T, ctx context.Context, s store.Store, specs ...rawSpec) {
	t.Helper()
	rows := make([]engine.Result, len(specs))
	for i, sp := range specs {
		rows[i] = sp.result()
	}
	must(t, s.AddHistory(ctx, rows...), "add raw history")
}

func rollupsOf(t *testing.T, s store.Store) store.Rollups {
	t.Helper()
	r, ok := s.(store.Rollups)
	if !ok {
		t.Fatalf("%T does not implement store.Rollups", s)
	}
	return r
}

// summary is the comparable part of a rollup.
type summary struct {
	zone                      string
	start                     time.Time
	count, healthy, failed, u int64
	min, max, total           time.Duration
}

func sum(r store.Rollup) summary {
	return summary{r.Zone, r.Start.UTC(), r.Count, r.Healthy, r.Failed, r.Unknown,
		r.MinDuration.D(), r.MaxDuration.D(), r.TotalDuration.D()}
}

func readRollups(t *testing.T, ctx context.Context, s store.Store, monitor string, p store.Period) []summary {
	t.Helper()
	rs, err := rollupsOf(t, s).Rollups(ctx, monitor, store.RollupQuery{Period: p, Limit: 1000})
	must(t, err, fmt.Sprintf("read %s rollups of %s", p, monitor))
	out := make([]summary, len(rs))
	for i, r := range rs {
		if r.MonitorID != monitor || r.Period != p {
			t.Errorf("asked for %s %s rollups, got %s %s", monitor, p, r.MonitorID, r.Period)
		}
		out[i] = sum(r)
	}
	return out
}

// wantHourly and wantDaily are the rollups of oldRows, newest first by
// start; rows of one start are ordered by zone where both zones exist.
var (
	wantWebHourly = []summary{
		{"z1", day0.Add(27 * hr), 1, 1, 0, 0, 50 * ms, 50 * ms, 50 * ms},
		{"z1", day0.Add(11 * hr), 1, 1, 0, 0, 30 * ms, 30 * ms, 30 * ms},
		{"z1", day0.Add(10 * hr), 3, 1, 1, 1, 10 * ms, 300 * ms, 350 * ms},
		{"z2", day0.Add(10 * hr), 1, 1, 0, 0, 20 * ms, 20 * ms, 20 * ms},
	}
	wantWebDaily = []summary{
		{"z1", day0.Add(24 * hr), 1, 1, 0, 0, 50 * ms, 50 * ms, 50 * ms},
		{"z1", day0, 4, 2, 1, 1, 10 * ms, 300 * ms, 380 * ms},
		{"z2", day0, 1, 1, 0, 0, 20 * ms, 20 * ms, 20 * ms},
	}
	wantDBHourly = []summary{{"z1", day0.Add(10 * hr), 1, 0, 1, 0, 5 * ms, 5 * ms, 5 * ms}}
)

// sortSummaries orders by start descending, then zone, so backends that
// order rows of one start differently still compare equal.
func sortSummaries(s []summary) []summary {
	out := append([]summary(nil), s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && less(out[j], out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func less(a, b summary) bool {
	if !a.start.Equal(b.start) {
		return a.start.After(b.start)
	}
	return a.zone < b.zone
}

func sameSummaries(t *testing.T, what string, got, want []summary) {
	t.Helper()
	if fmt.Sprint(sortSummaries(got)) != fmt.Sprint(sortSummaries(want)) {
		t.Errorf("%s:\n got %v\nwant %v", what, sortSummaries(got), sortSummaries(want))
	}
}

func checkRolled(t *testing.T, ctx context.Context, s store.Store) {
	t.Helper()
	sameSummaries(t, "hourly rollups of web", readRollups(t, ctx, s, "web", store.PeriodHour), wantWebHourly)
	sameSummaries(t, "daily rollups of web", readRollups(t, ctx, s, "web", store.PeriodDay), wantWebDaily)
	sameSummaries(t, "hourly rollups of db", readRollups(t, ctx, s, "db", store.PeriodHour), wantDBHourly)
	for _, m := range []string{"web", "db"} {
		rows, err := s.History(ctx, m, store.HistoryQuery{Limit: 1000})
		must(t, err, "read history of "+m)
		if len(rows) != 1 || !rows[0].FinishedAt.After(day0.Add(38*24*hr)) {
			t.Errorf("%s keeps raw rows %v, want only the one recent row", m, rows)
		}
	}
}

func testRollsUpThenPrunes(t *testing.T, f Factory) {
	ctx, s := testCtx(t), f.Open(t)
	addRaw(t, ctx, s, append(oldRows, keptRows...)...)
	rep, err := rollupsOf(t, s).Retain(ctx, rollNow, store.RetentionPolicy{})
	must(t, err, "retain")
	if rep.Pruned != len(oldRows) || rep.Hours != 3 {
		t.Errorf("report %+v, want %d rows pruned from 3 hours", rep, len(oldRows))
	}
	checkRolled(t, ctx, s)

	rs, err := rollupsOf(t, s).Rollups(ctx, "web", store.RollupQuery{Period: store.PeriodDay, Since: day0, Before: day0.Add(hr)})
	must(t, err, "read day0 of web")
	for _, r := range rs {
		if r.Zone == "z1" {
			if up := r.Uptime(); up != 200.0/3 {
				t.Errorf("uptime %v, want 66.67 (2 healthy, 1 failed, unknown left out)", up)
			}
			if p := r.P95(); p < 200*ms || p > 300*ms {
				t.Errorf("p95 %s, want between 200ms and the 300ms maximum", p)
			}
		}
	}
}

func testRetainTwice(t *testing.T, f Factory) {
	ctx, s := testCtx(t), f.Open(t)
	addRaw(t, ctx, s, append(oldRows, keptRows...)...)
	for run := 1; run <= 2; run++ {
		rep, err := rollupsOf(t, s).Retain(ctx, rollNow, store.RetentionPolicy{})
		must(t, err, fmt.Sprintf("retain run %d", run))
		if run == 2 && (rep.Pruned != 0 || rep.Hours != 0) {
			t.Errorf("second run did work again: %+v", rep)
		}
		checkRolled(t, ctx, s)
	}
}

// A row still in the store for an hour already rolled up (a run that
// crashed while deleting the hour, or a very late write-behind row) must
// not replace the complete figures with its own.
func testRowLeftBehind(t *testing.T, f Factory) {
	ctx, s := testCtx(t), f.Open(t)
	addRaw(t, ctx, s, append(oldRows, keptRows...)...)
	_, err := rollupsOf(t, s).Retain(ctx, rollNow, store.RetentionPolicy{})
	must(t, err, "retain")
	addRaw(t, ctx, s, oldRows[1]) // as if its delete never happened
	rep, err := rollupsOf(t, s).Retain(ctx, rollNow, store.RetentionPolicy{})
	must(t, err, "retain again")
	if rep.Pruned != 1 {
		t.Errorf("second run pruned %d rows, want the 1 left behind", rep.Pruned)
	}
	checkRolled(t, ctx, s)
}

func testRollupExpiry(t *testing.T, f Factory) {
	ctx, s := testCtx(t), f.Open(t)
	addRaw(t, ctx, s, oldRows...)
	ro := rollupsOf(t, s)
	_, err := ro.Retain(ctx, rollNow, store.RetentionPolicy{})
	must(t, err, "retain")
	cases := []struct {
		name          string
		now           time.Time
		hourly, daily int
	}{
		{"hourly past 90 days", day0.Add(95 * 24 * hr), 0, 3},
		{"daily still within 400 days", day0.Add(399 * 24 * hr), 0, 3},
		{"daily past 400 days", day0.Add(402 * 24 * hr), 0, 0},
	}
	for _, c := range cases {
		_, err := ro.Retain(ctx, c.now, store.RetentionPolicy{})
		must(t, err, "retain at "+c.name)
		if h, d := len(readRollups(t, ctx, s, "web", store.PeriodHour)), len(readRollups(t, ctx, s, "web", store.PeriodDay)); h != c.hourly || d != c.daily {
			t.Errorf("%s: %d hourly and %d daily rollups of web, want %d and %d", c.name, h, d, c.hourly, c.daily)
		}
	}
}

func testRollupQuery(t *testing.T, f Factory) {
	ctx, s := testCtx(t), f.Open(t)
	var specs []rawSpec
	for h := range 6 {
		specs = append(specs, rawSpec{"web", "z1", time.Duration(h) * hr, engine.StatusHealthy, ms}, rawSpec{"webx", "z1", time.Duration(h) * hr, engine.StatusHealthy, ms})
	}
	addRaw(t, ctx, s, specs...)
	ro := rollupsOf(t, s)
	_, err := ro.Retain(ctx, rollNow, store.RetentionPolicy{})
	must(t, err, "retain")
	cases := []struct {
		name string
		q    store.RollupQuery
		want []int // hours, newest first
	}{
		{"all", store.RollupQuery{Period: store.PeriodHour}, []int{5, 4, 3, 2, 1, 0}},
		{"limit", store.RollupQuery{Period: store.PeriodHour, Limit: 2}, []int{5, 4}},
		{"since inclusive", store.RollupQuery{Period: store.PeriodHour, Since: day0.Add(3 * hr)}, []int{5, 4, 3}},
		{"before exclusive", store.RollupQuery{Period: store.PeriodHour, Before: day0.Add(2 * hr)}, []int{1, 0}},
		{"daily", store.RollupQuery{Period: store.PeriodDay}, []int{0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs, err := ro.Rollups(ctx, "web", c.q)
			must(t, err, "read rollups")
			var got []int
			for _, r := range rs {
				if r.MonitorID != "web" {
					t.Errorf("rollup of %q returned for web", r.MonitorID)
				}
				got = append(got, int(r.Start.Sub(day0)/hr))
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("got hours %v, want %v", got, c.want)
			}
		})
	}
	if rs, err := ro.Rollups(ctx, "nope", store.RollupQuery{Period: store.PeriodHour}); err != nil || len(rs) != 0 {
		t.Errorf("unknown monitor: %v %v, want nothing", rs, err)
	}
}

// Two retention runs at once (two zones' bridges): each either works or
// is told another holds the lease, and the result is the same as one run.
func testRetainConcurrent(t *testing.T, f Factory) {
	ctx, s := testCtx(t), f.Open(t)
	addRaw(t, ctx, s, append(oldRows, keptRows...)...)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := rollupsOf(t, s).Retain(ctx, rollNow, store.RetentionPolicy{})
			if err != nil && !errors.Is(err, store.ErrRetainBusy) {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent retain: %v", err)
	}
	_, err := rollupsOf(t, s).Retain(ctx, rollNow, store.RetentionPolicy{})
	must(t, err, "final retain")
	checkRolled(t, ctx, s)
}
