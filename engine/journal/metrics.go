package journal

import "github.com/prometheus/client_golang/prometheus"

var (
	mFlushed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "journal", Name: "flushed_total",
		Help: "Records moved from the zone journal to the store."}, []string{"zone"})
	mFlushFailed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "journal", Name: "flush_failed_total",
		Help: "Flushes that failed (store unreachable: cache-only mode)."}, []string{"zone"})
	mFlushSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "runbook", Subsystem: "journal", Name: "flush_seconds",
		Help:    "One flush: read, store write, trim.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 14)}, []string{"zone"})
)

func init() { prometheus.MustRegister(mFlushed, mFlushFailed, mFlushSeconds) }
