package pluginsync

import "github.com/prometheus/client_golang/prometheus"

var mLoadSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
	Namespace: "runbook", Subsystem: "pluginsync", Name: "load_seconds",
	Help:    "From reading an announced (current) plugin version to serving it: a promotion of a prepared version, or fetch, verify, compile and promote.",
	Buckets: []float64{.001, .01, .025, .05, .1, .25, .5, 1, 2, 4, 8, 16},
}, []string{"zone"})

var mPrepareSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
	Namespace: "runbook", Subsystem: "pluginsync", Name: "prepare_seconds",
	Help:    "Preparing a staged plugin version: fetch, verify, compile (or a compilation-cache hit) and install beside the running version.",
	Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2, 4, 8, 16},
}, []string{"zone"})

var mSwitchSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
	Namespace: "runbook", Subsystem: "pluginsync", Name: "switch_seconds",
	Help:    "Promoting a version that was already loaded (prepared, or a rollback's previous version): the pointer swap.",
	Buckets: []float64{.0001, .001, .01, .1, 1},
}, []string{"zone"})

var mRefused = prometheus.NewCounterVec(prometheus.CounterOpts{
	Namespace: "runbook", Subsystem: "pluginsync", Name: "refused_total",
	Help: "Announced or staged plugin versions refused (digest mismatch, does not compile, wrong manifest); the running version kept serving."}, []string{"zone"})

var mFetchFailed = prometheus.NewCounterVec(prometheus.CounterOpts{
	Namespace: "runbook", Subsystem: "pluginsync", Name: "fetch_failures_total",
	Help: "Announced plugin modules that could not be read from the zone Redis (retried)."}, []string{"zone"})

var mDropped = prometheus.NewCounterVec(prometheus.CounterOpts{
	Namespace: "runbook", Subsystem: "pluginsync", Name: "staged_dropped_total",
	Help: "Plugin versions prepared for a push that then gave up (or was replaced), unloaded again."}, []string{"zone"})

func init() {
	prometheus.MustRegister(mLoadSeconds, mPrepareSeconds, mSwitchSeconds, mRefused, mFetchFailed, mDropped)
}
