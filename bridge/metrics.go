package bridge

import "github.com/prometheus/client_golang/prometheus"

var mApplied = prometheus.NewCounterVec(prometheus.CounterOpts{
	Namespace: "runbook", Subsystem: "bridge", Name: "applied_total",
	Help: "Queue entries applied to the zone Redis, by op."}, []string{"zone", "op"})

func init() { prometheus.MustRegister(mApplied) }
