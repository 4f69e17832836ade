package control

import "github.com/prometheus/client_golang/prometheus"

var (
	mClaimed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "control", Name: "claimed_total",
		Help: "Monitor runs claimed from the schedule."}, []string{"zone"})
	mSent = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "control", Name: "sent_total",
		Help: "Jobs pushed to the monitor broker."}, []string{"zone"})
	mFailed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "control", Name: "failed_total",
		Help: "Claimed runs that could not be sent (bad monitor JSON, broker queue full)."}, []string{"zone"})
	mLateness = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "runbook", Subsystem: "control", Name: "lateness_seconds",
		Help:    "How long after its slot a run was claimed.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}, []string{"zone"})

	mHeartbeatMissed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "control", Name: "heartbeats_missed_total",
		Help: "Heartbeat deadlines that passed without a ping (each a failed result)."}, []string{"zone"})
	mRound = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "runbook", Subsystem: "control", Name: "round_seconds",
		Help:    "One claim round: the Lua claim plus sending its jobs.",
		Buckets: prometheus.ExponentialBuckets(0.0001, 2.5, 14)}, []string{"zone"})
)

func init() {
	prometheus.MustRegister(mClaimed, mSent, mFailed, mLateness, mHeartbeatMissed, mRound)
}
