package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// Rollups keep a summary of history after its raw rows are pruned, so the
// store does not grow by a row per check forever while uptime and response
// times stay answerable for a year.
type Rollups interface {
	// Retain rolls raw history older than now-policy.Raw into hourly and
	// daily rollups, deletes those raw rows, and expires rollups past
	// their own retention. Running it twice, or again after a crash
	// half-way, gives the same rollups. Only one Retain runs at a time per
	// store (a lease); a second gets ErrRetainBusy and should just skip.
	Retain(ctx context.Context, now time.Time, p RetentionPolicy) (RetainReport, error)
	// Rollups returns a monitor's rollups of one period, every zone,
	// newest first by Start.
	Rollups(ctx context.Context, monitorID string, q RollupQuery) ([]Rollup, error)
}

// ErrRetainBusy means another Retain holds the store's retention lease.
var ErrRetainBusy = errors.New("another retention run holds the lease")

// RetentionPolicy says how long each level of history is kept.
type RetentionPolicy struct {
	// Raw history rows (default 30 days).
	Raw time.Duration `yaml:"raw" json:"raw"`
	// Hourly rollups (default 90 days).
	Hourly time.Duration `yaml:"hourly" json:"hourly"`
	// Daily rollups (default 400 days: a year, plus the same month last
	// year to compare with).
	Daily time.Duration `yaml:"daily" json:"daily"`
}

// DefaultRetention is what a deployment gets unless it says otherwise.
func DefaultRetention() RetentionPolicy {
	return RetentionPolicy{Raw: 30 * day, Hourly: 90 * day, Daily: 400 * day}
}

const day = 24 * time.Hour

// Normalize fills zero fields with the defaults.
func (p *RetentionPolicy) Normalize() {
	d := DefaultRetention()
	if p.Raw == 0 {
		p.Raw = d.Raw
	}
	if p.Hourly == 0 {
		p.Hourly = d.Hourly
	}
	if p.Daily == 0 {
		p.Daily = d.Daily
	}
}

// Validate refuses a policy that would drop a level before the next one
// is built from it: hourly rollups must outlive raw rows by a day (a day's
// hours are merged into its daily rollup after the day leaves raw), and
// daily must outlive hourly.
func (p RetentionPolicy) Validate() error {
	var errs engine.FieldErrors
	if p.Raw < day {
		errs.Add("raw", "must be at least 24h, not %s", p.Raw)
	}
	if p.Hourly < p.Raw+day {
		errs.Add("hourly", "must be at least raw + 24h (%s), not %s", p.Raw+day, p.Hourly)
	}
	if p.Daily < p.Hourly {
		errs.Add("daily", "must be at least hourly (%s), not %s", p.Hourly, p.Daily)
	}
	return errs.Err()
}

// Cutoff is the first instant whose raw rows are kept: now-Raw, down to a
// whole UTC day so a day leaves raw history all at once.
func (p RetentionPolicy) Cutoff(now time.Time) time.Time {
	return now.Add(-p.Raw).UTC().Truncate(day)
}

// RetainReport says what one Retain did.
type RetainReport struct {
	Hours   int // hours of raw history rolled up
	Pruned  int // raw rows deleted
	Expired int // rollups deleted past their retention
}

// Period is the span one rollup covers.
type Period string

const (
	PeriodHour Period = "hour"
	PeriodDay  Period = "day"
)

// Span is how long a period lasts.
func (p Period) Span() time.Duration {
	if p == PeriodDay {
		return day
	}
	return time.Hour
}

// RollupQuery selects rollups by Start: Since inclusive, Before exclusive,
// zero times unbounded; Limit 0 means 100.
type RollupQuery struct {
	Period Period
	Since  time.Time
	Before time.Time
	Limit  int
}

// DurationBounds are the upper bounds of the response-time histogram a
// rollup keeps (the last bucket is everything above). Roughly doubling
// steps keep the p95 estimate within a factor of ~1.5 from 1 ms to 60 s,
// and a fixed layout makes rollups mergeable.
var DurationBounds = []time.Duration{
	time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond, 10 * time.Millisecond,
	20 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond,
	500 * time.Millisecond, time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second,
	20 * time.Second, 60 * time.Second,
}

// Rollup summarizes one monitor's results in one zone over one period.
type Rollup struct {
	MonitorID string    `json:"monitor_id"`
	Zone      string    `json:"zone"`
	Period    Period    `json:"period"`
	Start     time.Time `json:"start"`
	Count     int64     `json:"count"`
	Healthy   int64     `json:"healthy"`
	Failed    int64     `json:"failed"`
	Unknown   int64     `json:"unknown"`
	// Durations of every result: sum (for the mean), min, max, and a
	// histogram over DurationBounds (len(DurationBounds)+1 counts).
	TotalDuration engine.Duration `json:"total_duration"`
	MinDuration   engine.Duration `json:"min_duration"`
	MaxDuration   engine.Duration `json:"max_duration"`
	Histogram     []int64         `json:"histogram"`
}

// Key names the rollup uniquely within a store.
func (r Rollup) Key() string {
	return fmt.Sprintf("%s|%d|%s|%s", r.Period, r.Start.Unix(), r.MonitorID, r.Zone)
}

// Add counts one result.
func (r *Rollup) Add(res engine.Result) {
	if len(r.Histogram) == 0 {
		r.Histogram = make([]int64, len(DurationBounds)+1)
	}
	r.Count++
	switch res.Status {
	case engine.StatusHealthy:
		r.Healthy++
	case engine.StatusFailed:
		r.Failed++
	default:
		r.Unknown++
	}
	d := res.Duration
	r.TotalDuration += d
	if r.Count == 1 || d < r.MinDuration {
		r.MinDuration = d
	}
	if d > r.MaxDuration {
		r.MaxDuration = d
	}
	i := 0
	for i < len(DurationBounds) && d.D() > DurationBounds[i] {
		i++
	}
	r.Histogram[i]++
}

// Merge adds o's counts to r (hours into a day).
func (r *Rollup) Merge(o Rollup) {
	if o.Count == 0 {
		return
	}
	if len(r.Histogram) == 0 {
		r.Histogram = make([]int64, len(DurationBounds)+1)
	}
	if r.Count == 0 || o.MinDuration < r.MinDuration {
		r.MinDuration = o.MinDuration
	}
	r.MaxDuration = max(r.MaxDuration, o.MaxDuration)
	r.Count += o.Count
	r.Healthy += o.Healthy
	r.Failed += o.Failed
	r.Unknown += o.Unknown
	r.TotalDuration += o.TotalDuration
	for i := range min(len(r.Histogram), len(o.Histogram)) {
		r.Histogram[i] += o.Histogram[i]
	}
}

// Uptime is the share of decided results that were healthy, in percent;
// unknown results (the check could not decide) count for neither side. A
// period with no decided result is 100.
func (r Rollup) Uptime() float64 {
	decided := r.Healthy + r.Failed
	if decided == 0 {
		return 100
	}
	return 100 * float64(r.Healthy) / float64(decided)
}

// MeanDuration is the average response time.
func (r Rollup) MeanDuration() time.Duration {
	if r.Count == 0 {
		return 0
	}
	return r.TotalDuration.D() / time.Duration(r.Count)
}

// P95 estimates the 95th percentile response time: the upper bound of the
// histogram bucket it falls in, capped by the maximum seen.
func (r Rollup) P95() time.Duration {
	if r.Count == 0 {
		return 0
	}
	need := int64(math.Ceil(0.95 * float64(r.Count)))
	var seen int64
	for i, n := range r.Histogram {
		seen += n
		if seen >= need {
			if i < len(DurationBounds) {
				return min(DurationBounds[i], r.MaxDuration.D())
			}
			break
		}
	}
	return r.MaxDuration.D()
}
