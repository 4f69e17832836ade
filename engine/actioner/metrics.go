package actioner

import "github.com/prometheus/client_golang/prometheus"

var (
	mResults = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "actioner", Name: "results_total",
		Help: "Results applied, by status."}, []string{"zone", "status"})
	mDropped = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "actioner", Name: "dropped_total",
		Help: "Results dropped, by reason (too_old, unknown_monitor, malformed)."}, []string{"zone", "reason"})
	mReactions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "actioner", Name: "reactions_total",
		Help: "Reaction decisions, by outcome."}, []string{"zone", "outcome"})
)

func init() { prometheus.MustRegister(mResults, mDropped, mReactions) }
