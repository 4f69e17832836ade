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

func init() { prometheus.MustRegister(mGCRemoved, mGCRestored, mGCFailed) }
