package sdk

import (
	"fmt"

	"github.com/runbookhq/runbook/host/abi"
)

// Output is what a check or reaction returns: build it with Healthy,
// Failed, Unknown or OK and add numbers with Metric. It marshals to JSON
// as abi.Output does (docs/ABI.md §7), Metric's numbers included.
//
// Metric keeps its first inlineMetrics numbers inside the value, so a
// result with a few metrics costs no map.
//
// RATIONALE: until round 4 Output was abi.Output, whose Metric copies
// its map on every call: in a wasm guest a map (allocation, hashing,
// randomised iteration to encode it) cost more than the rest of an http
// check's own code (docs/PERFORMANCE.md, "Plugin host").
type Output struct {
	Status  string `json:"status"`
	Message string `json:"message,omitempty"`
	// Metrics may still be set directly; it is sent together with what
	// Metric added. A name in both is sent once, with Metric's value.
	// Read a result's numbers with MetricValue, which sees both.
	Metrics map[string]float64 `json:"metrics,omitempty"`

	inline  [inlineMetrics]metric // what Metric added, in order
	nInline uint8
}

// inlineMetrics is how many metrics an Output holds without a map: the
// plugins in plugins/ add at most four.
const inlineMetrics = 4

type metric struct {
	name  string
	value float64
}

// Healthy is a passing check.
func Healthy(format string, args ...any) Output { return out(abi.StatusHealthy, format, args) }

// Failed is a failing check or reaction.
func Failed(format string, args ...any) Output { return out(abi.StatusFailed, format, args) }

// Unknown is a check that could not decide (bad config, an error that says
// nothing about the target's health).
func Unknown(format string, args ...any) Output { return out(abi.StatusUnknown, format, args) }

// OK is a reaction that did its job.
func OK(format string, args ...any) Output { return out(abi.StatusOK, format, args) }

func out(status, format string, args []any) Output {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return Output{Status: status, Message: msg}
}

// Metric returns o with the named metric set. o itself is not changed,
// nor is a Metrics map it shares with other values (that is copied when
// it must change), so a shared Output value is never mutated.
func (o Output) Metric(name string, v float64) Output {
	for i := range o.inline[:o.nInline] {
		if o.inline[i].name == name {
			o.inline[i].value = v
			return o
		}
	}
	if inMap := o.Metrics != nil && hasKey(o.Metrics, name); !inMap && int(o.nInline) < len(o.inline) {
		o.inline[o.nInline] = metric{name, v}
		o.nInline++
		return o
	}
	o.Metrics = withMetric(o.Metrics, name, v)
	return o
}

// withMetric is a copy of m with name set: Metric's rare path, out of
// line so the usual one stays small (docs/PERFORMANCE.md, round 8).
//
//go:noinline
func withMetric(m map[string]float64, name string, v float64) map[string]float64 {
	c := make(map[string]float64, len(m)+1)
	for k, x := range m {
		c[k] = x
	}
	c[name] = v
	return c
}

// MetricValue returns the named metric, whether Metric added it or it
// is in Metrics.
func (o Output) MetricValue(name string) (float64, bool) {
	if i := o.inlineIndex(name); i >= 0 {
		return o.inline[i].value, true
	}
	v, ok := o.Metrics[name]
	return v, ok
}

func hasKey(m map[string]float64, k string) bool {
	_, ok := m[k]
	return ok
}

// MetricCount is the number of distinct metrics o carries.
func (o Output) MetricCount() int {
	n := int(o.nInline)
	if o.nInline == 0 || len(o.Metrics) == 0 {
		return n + len(o.Metrics)
	}
	for k := range o.Metrics {
		if o.inlineIndex(k) < 0 {
			n++
		}
	}
	return n
}

func (o *Output) inlineIndex(name string) int {
	for i := range o.inline[:o.nInline] {
		if o.inline[i].name == name {
			return i
		}
	}
	return -1
}

// ValidFor checks the status is one a plugin of kind k may return.
func (o Output) ValidFor(k abi.Kind) error {
	return abi.Output{Status: o.Status}.ValidFor(k)
}

// ABI is o as the host decodes it: every metric in one map.
func (o Output) ABI() abi.Output {
	a := abi.Output{Status: o.Status, Message: o.Message}
	if n := o.MetricCount(); n > 0 {
		a.Metrics = make(map[string]float64, n)
		for k, v := range o.Metrics {
			a.Metrics[k] = v
		}
		for _, m := range o.inline[:o.nInline] {
			a.Metrics[m.name] = m.value
		}
	}
	return a
}

// MarshalJSON writes what runbook_call returns: abi.Output's JSON.
func (o Output) MarshalJSON() ([]byte, error) { return appendOutput(nil, o) }
