package rollout

import "github.com/prometheus/client_golang/prometheus"

var mGCRemoved = prometheus.NewCounterVec(prometheus.CounterOpts{
	Namespace: "runbook", Subsystem: "plugin_gc", Name: "removed_total",
	Help: "Plugin modules deleted from the zone Redis after staying unreferenced for the grace period."}, []string{"zone"})

var mGCRestored = prometheus.NewCounterVec(prometheus.CounterOpts{
	Namespace: "runbook", Subsystem: "plugin_gc", Name: "restored_total",
	Help: "Plugin modules the zone named but its Redis lacked, copied back from the store."}, []string{"zone"})

var mGCFailed = prometheus.NewCounterVec(prometheus.CounterOpts{
	Namespace: "runbook", Subsystem: "plugin_gc", Name: "failures_total",
	Help: "Plugin module collections that failed (retried at the next round)."}, []string{"zone"})

var mPushes = prometheus.NewCounterVec(prometheus.CounterOpts{
	Namespace: "runbook", Subsystem: "rollout", Name: "pushes_total",
	Help: "Plugin pushes by outcome: promoted, or refused (a node refused it or was not ready; nothing promoted)."}, []string{"outcome"})

var mPrepareSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
	Namespace: "runbook", Subsystem: "rollout", Name: "prepare_seconds",
	Help:    "Prepare phase of a push: staged → every live node of every zone ready (compiles included).",
	Buckets: []float64{.05, .1, .25, .5, 1, 2, 4, 8, 16, 32, 64},
})

var mSwitchSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
	Namespace: "runbook", Subsystem: "rollout", Name: "switch_seconds",
	Help:    "Switch of a push: promotion → every live node of every prepared zone serving the new digest.",
	Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2, 4, 8},
})

var mBlobsRepaired = prometheus.NewCounterVec(prometheus.CounterOpts{
	Namespace: "runbook", Subsystem: "rollout", Name: "blobs_repaired_total",
	Help: "Module copies in a zone Redis whose bytes were not their digest, replaced by a push."}, []string{"zone"})

func init() {
	prometheus.MustRegister(mGCRemoved, mGCRestored, mGCFailed, mPushes, mPrepareSeconds, mSwitchSeconds, mBlobsRepaired)
}
