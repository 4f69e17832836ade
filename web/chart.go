package web

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/runbookhq/runbook/engine"
)

// responseChart draws check durations (oldest left) as an inline SVG
// polyline, failed results as red dots: no chart library, no JS.
func responseChart(rows []engine.Result) template.HTML {
	const w, h = 600.0, 120.0
	if len(rows) < 2 {
		return template.HTML(`<p class="muted">Not enough results for a chart yet.</p>`)
	}
	maxMS := 1.0
	for _, r := range rows {
		maxMS = max(maxMS, float64(r.Duration.D().Microseconds())/1000)
	}
	var pts, dots strings.Builder
	n := len(rows)
	for i := range rows {
		r := rows[n-1-i] // rows are newest first
		x := float64(i) * w / float64(n-1)
		y := h - (float64(r.Duration.D().Microseconds())/1000)/maxMS*(h-10) - 5
		fmt.Fprintf(&pts, "%.1f,%.1f ", x, y)
		if r.Status == engine.StatusFailed {
			fmt.Fprintf(&dots, `<circle cx="%.1f" cy="%.1f" r="3" fill="#a4161a"/>`, x, y)
		}
	}
	return template.HTML(fmt.Sprintf(`<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="response time, last %d results, max %.1f ms">`+
		`<polyline fill="none" stroke="#2b6cb0" stroke-width="1.5" points="%s"/>%s`+
		`<text x="4" y="12" font-size="10" fill="#4a5260">%.1f ms</text></svg>`, w, h, n, maxMS, pts.String(), dots.String(), maxMS))
}
