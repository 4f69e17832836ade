package journal

import "github.com/prometheus/client_golang/prometheus"

var mFlushed = prometheus.NewCounterVec(prometheus.CounterOpts{
	Namespace: "runbook", Subsystem: "journal", Name: "flushed_total",
	Help: "Records moved from the zone journal to the store."}, []string{"zone"})

func init() { prometheus.MustRegister(mFlushed) }
