package pluginsync

import "github.com/prometheus/client_golang/prometheus"

var mLoadSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
	Namespace: "runbook", Subsystem: "pluginsync", Name: "load_seconds",
	Help:    "From reading an announced plugin version to serving it: fetch, verify, compile (or a compilation-cache hit), promote.",
	Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2, 4, 8, 16},
}, []string{"zone"})

var mRefused = prometheus.NewCounterVec(prometheus.CounterOpts{
	Namespace: "runbook", Subsystem: "pluginsync", Name: "refused_total",
	Help: "Announced plugin versions refused (digest mismatch, does not compile, wrong manifest); the running version kept serving."}, []string{"zone"})

var mFetchFailed = prometheus.NewCounterVec(prometheus.CounterOpts{
	Namespace: "runbook", Subsystem: "pluginsync", Name: "fetch_failures_total",
	Help: "Announced plugin modules that could not be read from the zone Redis (retried)."}, []string{"zone"})

func init() { prometheus.MustRegister(mLoadSeconds, mRefused, mFetchFailed) }
