package actioner

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/runbookhq/runbook/engine"
)

var (
	mResults = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "actioner", Name: "results_total",
		Help: "Results applied, by status and source."}, []string{"zone", "status", "source"})
	mDropped = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "actioner", Name: "dropped_total",
		Help: "Results dropped, by reason (too_old, unknown_monitor, malformed, stale)."}, []string{"zone", "reason"})
	mReactions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "actioner", Name: "reactions_total",
		Help: "Reaction decisions, by outcome."}, []string{"zone", "outcome"})

	mReactDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "runbook", Subsystem: "actioner", Name: "reaction_seconds",
		Help:    "Reaction plugin call duration.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 14)}, []string{"zone", "plugin"})
	mReactLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "runbook", Subsystem: "actioner", Name: "result_to_reaction_seconds",
		Help:    "From a result's finish to its reaction starting (failure-to-reaction latency).",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)}, []string{"zone"})
	mDecideLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "runbook", Subsystem: "actioner", Name: "result_to_decided_seconds",
		Help:    "From a result's finish to its counters applied and records journaled.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)}, []string{"zone"})
	mBatch = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "runbook", Subsystem: "actioner", Name: "step_one_batch",
		Help:    "Results applied together in one read pipeline and one commit script.",
		Buckets: prometheus.ExponentialBuckets(1, 2, 9)}, []string{"zone"})
	mHandle = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "runbook", Subsystem: "actioner", Name: "handle_seconds",
		Help:    "Time spent handling one result, reactions included.",
		Buckets: prometheus.ExponentialBuckets(0.0001, 2.5, 14)}, []string{"zone"})
)

func init() {
	prometheus.MustRegister(mResults, mDropped, mReactions, mReactDuration, mReactLatency, mDecideLatency, mHandle, mBatch)
}

// zoneMetrics are one actioner's metric children, resolved once rather
// than per result (WithLabelValues hashes its labels every call).
type zoneMetrics struct {
	zone                         string
	decideLatency, handle, batch prometheus.Observer
	byOutcome                    sync.Map // [2]string{status, source} → prometheus.Counter
}

func newZoneMetrics(zone string) *zoneMetrics {
	return &zoneMetrics{zone: zone, decideLatency: mDecideLatency.WithLabelValues(zone), handle: mHandle.WithLabelValues(zone),
		batch: mBatch.WithLabelValues(zone)}
}

func (m *zoneMetrics) results(st engine.Status, src engine.Source) prometheus.Counter {
	k := [2]string{string(st), string(src)}
	if c, ok := m.byOutcome.Load(k); ok {
		return c.(prometheus.Counter)
	}
	c, _ := m.byOutcome.LoadOrStore(k, mResults.WithLabelValues(m.zone, k[0], k[1]))
	return c.(prometheus.Counter)
}
