package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// Uptime over a year is exact: the part older than raw history comes from
// the store's rollups (made by its own retention from real rows), the
// recent part from raw rows, read past any page size.
func TestUptimeFromRollupsAndRaw(t *testing.T) {
	e := newEnv(t)
	e.createMonitor(e.alice, "m1")
	ctx := context.Background()
	// A whole UTC day, so window starts fall on rollup boundaries and
	// every window is exact.
	now := time.Now().UTC().Truncate(24 * time.Hour)
	type count struct{ healthy, failed int64 }
	want := make([]count, len(uptimeWindows))
	var rows []engine.Result
	add := func(at time.Time, i int) {
		st := engine.StatusHealthy
		switch {
		case i%7 == 0:
			st = engine.StatusFailed
		case i%11 == 0:
			st = engine.StatusUnknown
		}
		// Both zones report at the same instant, as webhook results do:
		// paging must neither skip nor repeat rows that share a time.
		for _, z := range []string{"z1", "z2"} {
			rows = append(rows, engine.Result{ID: fmt.Sprintf("r-%s-%d", z, at.UnixNano()), MonitorID: "m1", Zone: z, Source: engine.SourceCheck,
				Status: st, Duration: engine.Duration(time.Duration(i%50+1) * time.Millisecond), ScheduledAt: at, FinishedAt: at})
			for w, win := range uptimeWindows {
				if !at.Before(now.Add(-win.d)) {
					switch st {
					case engine.StatusHealthy:
						want[w].healthy++
					case engine.StatusFailed:
						want[w].failed++
					}
				}
			}
		}
	}
	i := 0
	// 400 days back every 6 hours, then every 10 minutes for the last 30
	// days (8,640 raw rows: more than one page).
	for at := now.Add(-400 * 24 * time.Hour); at.Before(now.Add(-30 * 24 * time.Hour)); at = at.Add(6 * time.Hour) {
		add(at.Add(17*time.Minute), i)
		i++
	}
	for at := now.Add(-30 * 24 * time.Hour); at.Before(now); at = at.Add(10 * time.Minute) {
		add(at, i)
		i++
	}
	for len(rows) > 0 {
		n := min(len(rows), 2000)
		mustNil(t, e.st.AddHistory(ctx, rows[:n]...))
		rows = rows[n:]
	}
	rep, err := e.st.Retain(ctx, now, store.DefaultRetention())
	mustNil(t, err)
	if rep.Pruned == 0 {
		t.Fatal("retention pruned nothing: the test would not reach rollups")
	}
	if old, _ := e.st.History(ctx, "m1", store.HistoryQuery{Before: now.Add(-31 * 24 * time.Hour), Limit: 1}); len(old) != 0 {
		t.Fatalf("raw rows older than 31 days remain: %v", old)
	}
	got, err := e.s.uptime(ctx, "m1", now)
	mustNil(t, err)
	for w, u := range got {
		if u.Healthy != want[w].healthy || u.Failed != want[w].failed || u.Partial {
			t.Errorf("%s: healthy %d failed %d partial %v, want %d and %d, not partial", u.Window, u.Healthy, u.Failed, u.Partial, want[w].healthy, want[w].failed)
		}
	}

	// The chart draws the year a day per point, the last day an hour per
	// point; the page offers every range.
	tl, err := e.s.timeline(ctx, "m1", now)
	mustNil(t, err)
	if n := len(chartPoints(tl, now, year)); n < 360 || n > 367 {
		t.Errorf("year chart has %d points, want a day each", n)
	}
	if n := len(chartPoints(tl, now, 24*time.Hour)); n != 24 {
		t.Errorf("day chart has %d points, want 24", n)
	}
	b := e.browser()
	b.login("alice@example.com", "password-u-alice")
	_, body := b.get("/monitors/m1?range=1y")
	if !strings.Contains(body, "mean response time per day over 1y") || !strings.Contains(body, `href="/monitors/m1?range=7d"`) {
		t.Error("monitor page lacks the year chart or the range links")
	}
	// Another account's monitor: no uptime.
	if r := e.do("GET", "/api/v1/monitors/m1/uptime", e.bob, nil); r.Code != 404 {
		t.Errorf("bob reading alice's uptime: %d", r.Code)
	}
}
