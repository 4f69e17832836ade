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
	Healthy int      `json:"healthy"`
	Failed  int      `json:"failed"`
	// Partial is true when the window held more results than are read
	// for it (uptimeRows): the figure covers the newest of them.
	Partial bool `json:"partial,omitempty"`
}

var uptimeWindows = []struct {
	name string
	d    time.Duration
}{
	{"24h", 24 * time.Hour}, {"7d", 7 * 24 * time.Hour}, {"30d", 30 * 24 * time.Hour}, {"1y", 365 * 24 * time.Hour},
}

// uptimeRows bounds the rows read per window so a page stays fast for a
// monitor checked every second; store rollups can lift this later.
const uptimeRows = 5000

func (s *Server) uptime(ctx context.Context, monitorID string, now time.Time) ([]uptimeWindow, error) {
	out := make([]uptimeWindow, 0, len(uptimeWindows))
	var prev []engine.Result
	for _, w := range uptimeWindows {
		var rows []engine.Result
		// A longer window starts from the shorter one's rows when those
		// did not fill the cap: they are all of it.
		if prev != nil && len(prev) < uptimeRows && len(prev) > 0 && !prev[len(prev)-1].FinishedAt.After(now.Add(-w.d)) {
			rows = prev
		} else {
			var err error
			rows, err = s.cfg.Store.History(ctx, monitorID, store.HistoryQuery{Since: now.Add(-w.d), Limit: uptimeRows})
			if err != nil {
				return nil, err
			}
		}
		prev = rows
		u := uptimeWindow{Window: w.name, Partial: len(rows) >= uptimeRows}
		for _, r := range rows {
			switch r.Status {
			case engine.StatusHealthy:
				u.Healthy++
			case engine.StatusFailed:
				u.Failed++
			}
		}
		if n := u.Healthy + u.Failed; n > 0 {
			p := float64(u.Healthy) * 100 / float64(n)
			u.Percent = &p
		}
		out = append(out, u)
	}
	return out, nil
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
