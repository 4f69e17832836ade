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

// Producer-side metrics, labelled by the producer's name.
var (
	mProducerPending = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: "runbook", Subsystem: "producer", Name: "unfinished",
		Help: "Messages sent and not yet reported finished by the broker."}, []string{"producer"})
	mProducerWaits = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "producer", Name: "window_waits_total",
		Help: "Sends that waited because the window of unfinished messages was full (back-pressure)."}, []string{"producer"})
	mProducerWaited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "producer", Name: "window_wait_seconds_total",
		Help: "Time sends spent waiting for the window."}, []string{"producer"})
	mProducerResent = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "producer", Name: "resent_total",
		Help: "Messages sent again because no OK came in time (e.g. the broker restarted)."}, []string{"producer"})
	mProducerFrames = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "producer", Name: "frames_total",
		Help: "Frames sent to the broker (a frame carries one or more messages; see WithLinger)."}, []string{"producer"})
	mRetried = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "broker", Name: "retried_total",
		Help: "Messages a consumer gave back unfinished (Retry), sent again after RetryAfter."}, []string{"broker"})
	mDuplicates = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "broker", Name: "duplicates_total",
		Help: "Re-sent copies ignored because the broker still held the message, or had finished it lately (answered OK again)."}, []string{"broker"})
)

func init() {
	prometheus.MustRegister(mReceived, mSent, mDone, mResent, mDropped, mQueued, mConsumers, mBusy, mReleased,
		mProducerPending, mProducerWaits, mProducerWaited, mProducerResent, mProducerFrames, mDuplicates, mRetried)
}
