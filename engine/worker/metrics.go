package worker

import "github.com/prometheus/client_golang/prometheus"

var (
	mJobs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "worker", Name: "jobs_total",
		Help: "Checks run, by resulting status."}, []string{"zone", "status"})
	mDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "runbook", Subsystem: "worker", Name: "check_seconds",
		Help:    "Check duration, plugin call included.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 12)}, []string{"zone", "plugin"})
)

func init() { prometheus.MustRegister(mJobs, mDuration) }
