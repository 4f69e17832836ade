package bridge

import "github.com/prometheus/client_golang/prometheus"

var mApplied = prometheus.NewCounterVec(prometheus.CounterOpts{
	Namespace: "runbook", Subsystem: "bridge", Name: "applied_total",
	Help: "Queue entries applied to the zone Redis, by op."}, []string{"zone", "op"})

var mPruned = prometheus.NewCounterVec(prometheus.CounterOpts{
	Namespace: "runbook", Subsystem: "bridge", Name: "history_pruned_total",
	Help: "Raw history rows rolled up and deleted by this zone's bridge."}, []string{"zone"})

var mRetainFailed = prometheus.NewCounterVec(prometheus.CounterOpts{
	Namespace: "runbook", Subsystem: "bridge", Name: "retention_failures_total",
	Help: "History retention runs that failed (retried at the next round)."}, []string{"zone"})

func init() { prometheus.MustRegister(mApplied, mPruned, mRetainFailed) }
