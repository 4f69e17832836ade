package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/runbookhq/runbook/engine/store"
)

// chartRanges are the spans the response-time chart offers; up to 30
// days it draws an hour per point, a year a day per point.
var chartRanges = []struct {
	name string
	d    time.Duration
}{{"24h", 24 * time.Hour}, {"7d", 7 * 24 * time.Hour}, {"30d", 30 * 24 * time.Hour}, {"1y", year}}

func chartRange(name string) (string, time.Duration) {
	for _, r := range chartRanges {
		if r.name == name {
			return r.name, r.d
		}
	}
	return chartRanges[0].name, chartRanges[0].d
}

// chartPoints are the timeline's buckets within d of now, merged to days
// for the year: raw rows and rollups drawn alike.
func chartPoints(tl timeline, now time.Time, d time.Duration) []store.Rollup {
	from := now.Add(-d)
	var out []store.Rollup
	for _, b := range tl.buckets {
		if !b.Start.Add(b.Period.Span()).After(from) {
			continue
		}
		if d > 30*24*time.Hour {
			day := b.Start.UTC().Truncate(24 * time.Hour)
			if n := len(out); n > 0 && out[n-1].Start.Equal(day) {
				out[n-1].Merge(b)
				continue
			}
			nb := store.Rollup{Period: store.PeriodDay, Start: day}
			nb.Merge(b)
			out = append(out, nb)
			continue
		}
		out = append(out, b)
	}
	return out
}

// responseChart draws the mean check duration per bucket (oldest left)
// as an inline SVG polyline, buckets with failures as red dots: no chart
// library, no JS. The label says what a point is.
func responseChart(points []store.Rollup, span string) template.HTML {
	const w, h = 600.0, 120.0
	if len(points) < 2 {
		return template.HTML(`<p class="muted">Not enough results for a chart yet.</p>`)
	}
	ms := func(b store.Rollup) float64 { return float64(b.MeanDuration().Microseconds()) / 1000 }
	maxMS := 1.0
	for _, b := range points {
		maxMS = max(maxMS, ms(b))
	}
	var pts, dots strings.Builder
	n := len(points)
	for i, b := range points {
		x := float64(i) * w / float64(n-1)
		y := h - ms(b)/maxMS*(h-10) - 5
		fmt.Fprintf(&pts, "%.1f,%.1f ", x, y)
		if b.Failed > 0 {
			fmt.Fprintf(&dots, `<circle cx="%.1f" cy="%.1f" r="3" fill="#a4161a"><title>%s: %d failed of %d</title></circle>`,
				x, y, b.Start.UTC().Format("2006-01-02 15:04"), b.Failed, b.Count)
		}
	}
	return template.HTML(fmt.Sprintf(`<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="mean response time per %s over %s, max %.1f ms">`+
		`<polyline fill="none" stroke="#2b6cb0" stroke-width="1.5" points="%s"/>%s`+
		`<text x="4" y="12" font-size="10" fill="#4a5260">%.1f ms</text></svg>`, w, h, points[0].Period, span, maxMS, pts.String(), dots.String(), maxMS))
}
