package web

import (
	"context"
	"sort"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// uptimeWindow is the share of decided results (healthy or failed) that
// were healthy in a window. Unknown results are left out: the check could
// not tell, which is not the service's downtime.
type uptimeWindow struct {
	Window  string   `json:"window"`
	Percent *float64 `json:"percent"` // null when there were no results
	Healthy int64    `json:"healthy"`
	Failed  int64    `json:"failed"`
	// Partial is true when the monitor has more raw history in the window
	// than uptimeRawMax rows: the figure then leaves the oldest out.
	Partial bool `json:"partial,omitempty"`
}

var uptimeWindows = []struct {
	name string
	d    time.Duration
}{
	{"24h", 24 * time.Hour}, {"7d", 7 * 24 * time.Hour}, {"30d", 30 * 24 * time.Hour}, {"1y", 365 * 24 * time.Hour},
}

const year = 365 * 24 * time.Hour

// uptimeRawMax bounds the raw rows one timeline reads: 30 days of a
// monitor checked every 30 s from two zones. Past it the oldest raw part
// is left out and the windows it touches say Partial.
const uptimeRawMax = 200_000

// rawPage is how many raw rows one store read returns.
const rawPage = 5000

// rollupsMax is more rollups than a year holds for a monitor in many
// zones; rollup queries default to 100 otherwise.
const rollupsMax = 400 * 24 * 16

// timeline is a monitor's last year summed per bucket, every zone
// together, oldest first: hourly where raw rows or hourly rollups exist,
// daily where only daily rollups are left. Raw history is kept 30 days
// and rollups a year (engine/store/rollup.go); an hour is either still
// raw or rolled up, never both, because retention deletes the raw rows
// of an hour only after rolling it, oldest hour first.
type timeline struct {
	buckets []store.Rollup
	windows []uptimeWindow
}

// sealed is the part of a timeline before until (a whole hour), which
// only late rows (write-behind replay after an outage) can change: it is
// kept for sealedTTL (sealed.go) so a page reads only the current hour's
// raw rows, not a month of them.
type sealed struct {
	buckets   []store.Rollup // oldest first, all before until
	rawFrom   time.Time      // raw history starts here; rollups before
	until     time.Time
	oldestRaw time.Time // oldest raw row read
	complete  bool      // false when uptimeRawMax rows stopped the read
	built     time.Time
}

func (s *Server) buildSealed(ctx context.Context, monitorID string, now time.Time) (*sealed, error) {
	since := now.Add(-year)
	hourly, err := s.cfg.Store.Rollups(ctx, monitorID, store.RollupQuery{Period: store.PeriodHour, Since: since.Truncate(time.Hour), Limit: rollupsMax})
	if err != nil {
		return nil, err
	}
	daily, err := s.cfg.Store.Rollups(ctx, monitorID, store.RollupQuery{Period: store.PeriodDay, Since: since.UTC().Truncate(24 * time.Hour), Limit: rollupsMax})
	if err != nil {
		return nil, err
	}
	sl := &sealed{until: now.Truncate(time.Hour), built: now}
	// Raw history starts where the newest rollup ends. Hourly rollups
	// cover from the first whole day they have; daily ones the days
	// before (hourly rollups expire an hour at a time).
	sl.rawFrom = since
	for _, r := range hourly {
		sl.rawFrom = maxTime(sl.rawFrom, r.Start.Add(time.Hour))
	}
	for _, r := range daily {
		sl.rawFrom = maxTime(sl.rawFrom, r.Start.Add(24*time.Hour))
	}
	hourFrom := sl.rawFrom
	if len(hourly) > 0 {
		first := hourly[len(hourly)-1].Start // newest first
		hourFrom = first.UTC().Truncate(24 * time.Hour)
		if !hourFrom.Equal(first) {
			hourFrom = hourFrom.Add(24 * time.Hour)
		}
	}
	bs := buckets{}
	for _, r := range daily {
		if r.Start.Before(hourFrom) {
			bs.add(r)
		}
	}
	for _, r := range hourly {
		if !r.Start.Before(hourFrom) {
			bs.add(r)
		}
	}
	// The store sums the raw month per hour: decoding 43,200 whole rows
	// here took ~190 ms of a first view.
	raw, err := s.cfg.Store.HistoryHours(ctx, monitorID, store.HoursQuery{Since: sl.rawFrom, Before: sl.until, MaxRows: uptimeRawMax})
	if err != nil {
		return nil, err
	}
	for _, r := range raw.Hours {
		bs.add(r)
	}
	sl.oldestRaw, sl.complete = raw.Oldest, raw.Complete
	sl.buckets = bs.sorted()
	return sl, nil
}

func (s *Server) timeline(ctx context.Context, monitorID string, now time.Time) (timeline, error) {
	sl, err := s.sealed.get(ctx, monitorID, now, s.buildSealed)
	if err != nil {
		return timeline{}, err
	}
	tl := timeline{windows: make([]uptimeWindow, len(uptimeWindows))}
	starts := make([]time.Time, len(uptimeWindows))
	for i, w := range uptimeWindows {
		tl.windows[i].Window, starts[i] = w.name, now.Add(-w.d)
	}
	count := func(i int, st engine.Status) {
		switch st {
		case engine.StatusHealthy:
			tl.windows[i].Healthy++
		case engine.StatusFailed:
			tl.windows[i].Failed++
		}
	}
	// The current part, raw, counted by exact time.
	fresh := buckets{}
	_, _, err = s.scanRaw(ctx, monitorID, sl.until, now, func(res engine.Result, at time.Time) {
		fresh.addResult(res, at)
		for i := range starts {
			if !at.Before(starts[i]) {
				count(i, res.Status)
			}
		}
	})
	if err != nil {
		return timeline{}, err
	}
	for i, since := range starts {
		if !since.Before(sl.until) {
			continue
		}
		// Whole sealed buckets inside the window; within raw history the
		// part hour at the window's edge is counted from its rows, so
		// the window is exact. Older, the edge is a whole hour or day.
		edge := since
		if !since.Before(sl.rawFrom) {
			edge = since.Truncate(time.Hour)
			if edge.Before(since) {
				edge = edge.Add(time.Hour)
			}
			if _, _, err := s.scanRaw(ctx, monitorID, since, minTime(edge, sl.until), func(res engine.Result, _ time.Time) {
				count(i, res.Status)
			}); err != nil {
				return timeline{}, err
			}
		}
		for _, b := range sl.buckets {
			if !b.Start.Before(edge) {
				tl.windows[i].Healthy += b.Healthy
				tl.windows[i].Failed += b.Failed
			}
		}
	}
	for i := range tl.windows {
		w := &tl.windows[i]
		w.Partial = !sl.complete && starts[i].Before(sl.oldestRaw)
		if n := w.Healthy + w.Failed; n > 0 {
			p := float64(w.Healthy) * 100 / float64(n)
			w.Percent = &p
		}
	}
	tl.buckets = append(append([]store.Rollup(nil), sl.buckets...), fresh.sorted()...)
	return tl, nil
}

// buckets merges rollups and results by period and start.
type buckets map[bucketKey]*store.Rollup

func (bs buckets) add(r store.Rollup) {
	k := bucketKey{r.Period, r.Start.Unix()}
	b := bs[k]
	if b == nil {
		b = &store.Rollup{MonitorID: r.MonitorID, Period: r.Period, Start: r.Start}
		bs[k] = b
	}
	b.Merge(r)
}

func (bs buckets) addResult(res engine.Result, at time.Time) {
	one := store.Rollup{MonitorID: res.MonitorID, Period: store.PeriodHour, Start: at.UTC().Truncate(time.Hour)}
	one.Add(res)
	bs.add(one)
}

func (bs buckets) sorted() []store.Rollup {
	out := make([]store.Rollup, 0, len(bs))
	for _, b := range bs {
		out = append(out, *b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out
}

type bucketKey struct {
	p     store.Period
	start int64
}

// scanRaw calls fn for every raw row of the monitor in [from, to), newest
// first, in pages, up to uptimeRawMax rows; complete is false when it
// stopped there, oldest is the time of the oldest row read.
func (s *Server) scanRaw(ctx context.Context, monitorID string, from, to time.Time, fn func(engine.Result, time.Time)) (oldest time.Time, complete bool, err error) {
	before := to
	// Rows at the page edge may share a time (one webhook result per
	// zone); Before is exclusive, so each page starts just after the edge
	// and skips the rows it already saw.
	seen := map[string]bool{}
	read := 0
	for {
		rows, err := s.cfg.Store.History(ctx, monitorID, store.HistoryQuery{Since: from, Before: before, Limit: rawPage})
		if err != nil {
			return oldest, false, err
		}
		edge := map[string]bool{}
		var last time.Time
		for _, r := range rows {
			at := r.Time()
			if seen[r.ID] {
				continue
			}
			fn(r, at)
			read++
			oldest, last = at, at
			edge[r.ID] = true
		}
		if len(rows) < rawPage {
			return oldest, true, nil
		}
		if read >= uptimeRawMax {
			return oldest, false, nil
		}
		if last.IsZero() {
			// A whole page at one instant, all seen: step past it.
			before = before.Add(-time.Nanosecond)
			continue
		}
		// Keep the IDs of rows at the new edge only.
		next := map[string]bool{}
		for _, r := range rows {
			if r.Time().Equal(last) && (edge[r.ID] || seen[r.ID]) {
				next[r.ID] = true
			}
		}
		seen = next
		before = last.Add(time.Nanosecond)
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func (s *Server) uptime(ctx context.Context, monitorID string, now time.Time) ([]uptimeWindow, error) {
	tl, err := s.timeline(ctx, monitorID, now)
	if err != nil {
		return nil, err
	}
	return tl.windows, nil
}

// zoneResult is the newest result a zone reported for a monitor.
type zoneResult struct {
	Zone   string         `json:"zone"`
	Result *engine.Result `json:"result"`
}

func (s *Server) zoneResults(ctx context.Context, m engine.Monitor) ([]zoneResult, error) {
	rows, err := s.cfg.Store.History(ctx, m.ID, store.HistoryQuery{Limit: 50 * max(1, len(m.Zones))})
	if err != nil {
		return nil, err
	}
	latest := map[string]*engine.Result{}
	for i := range rows {
		if _, ok := latest[rows[i].Zone]; !ok {
			latest[rows[i].Zone] = &rows[i]
		}
	}
	out := []zoneResult{}
	for _, z := range union(m.Zones, keys(latest)) {
		out = append(out, zoneResult{Zone: z, Result: latest[z]})
	}
	return out, nil
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
