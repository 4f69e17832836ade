package broker

import "github.com/prometheus/client_golang/prometheus"

// Metrics are labelled by broker name ("monitor", "action").
var (
	mReceived = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "broker", Name: "received_total",
		Help: "Messages received from producers."}, []string{"broker"})
	mSent = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "broker", Name: "sent_total",
		Help: "Messages sent to consumers (re-sends included)."}, []string{"broker"})
	mDone = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "broker", Name: "done_total",
		Help: "Messages consumers reported done."}, []string{"broker"})
	mResent = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "broker", Name: "resent_total",
		Help: "Messages re-queued because their consumer died or their deadline passed."}, []string{"broker"})
	mDropped = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "broker", Name: "dropped_total",
		Help: "Messages dropped because the waiting queue was full."}, []string{"broker"})
	mQueued = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: "runbook", Subsystem: "broker", Name: "queued",
		Help: "Messages waiting for a free consumer slot."}, []string{"broker"})
	mConsumers = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: "runbook", Subsystem: "broker", Name: "consumers",
		Help: "Live consumers."}, []string{"broker"})
)

// Consumer-side gauges, labelled by the consumer's name.
var (
	mBusy = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: "runbook", Subsystem: "consumer", Name: "busy_slots",
		Help: "Handlers holding a slot (the pool in use)."}, []string{"consumer"})
	mReleased = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: "runbook", Subsystem: "consumer", Name: "released_running",
		Help: "Handlers that released their slot and still run (e.g. reactions)."}, []string{"consumer"})
)

func init() {
	prometheus.MustRegister(mReceived, mSent, mDone, mResent, mDropped, mQueued, mConsumers, mBusy, mReleased)
}
