package broker

import "time"

// Frame verbs of the backend protocol.
const (
	cmdReady = "READY"
	cmdDone  = "DONE"
	// FREE frees a slot while its message stays in flight (Release); the
	// message then ends with END, which frees nothing.
	cmdFree = "FREE"
	cmdEnd  = "END"
	cmdHB   = "HB"
	cmdJob  = "JOB"
	// Batched forms (see pack.go): BATCH carries packed messages from a
	// producer, JOBS packed jobs to a consumer, ACKS a consumer's packed
	// DONE/FREE/END in the order they happened.
	cmdBatch = "BATCH"
	// BATCHU is a BATCH of urgent messages: they go ahead of the queue.
	cmdBatchUrgent = "BATCHU"
	cmdJobs        = "JOBS"
	cmdAcks        = "ACKS"
	// AGAIN asks a consumer the broker does not know (it restarted) to
	// re-announce its free slots with READY.
	cmdAgain = "AGAIN"
	// OK tells a producer's ack socket which of its messages a consumer
	// finished (packed ids).
	cmdOK = "OK"
)

// A producer's two sockets are named by one token: the broker answers
// messages from producerPrefix+token on ackPrefix+token.
const (
	producerPrefix = "p:"
	ackPrefix      = "a:"
)

// Heartbeat is how often both sides say they are alive; a peer silent for
// Liveness beats is taken for dead.
const (
	Heartbeat = time.Second
	Liveness  = 3
)

// RetryAfter is how long a message a handler gave back (Retry) waits
// before it is sent again: long enough not to spin on an outage.
const RetryAfter = time.Second

// ReleasedFor is the least a released message (FREE) stays in flight
// before its deadline re-sends it.
const ReleasedFor = time.Minute

// Message is one unit of work moving through a broker.
type Message struct {
	ID string
	// Deadline is when the broker re-sends the message if no consumer has
	// said DONE by then.
	Deadline time.Time
	Payload  []byte
	// Urgent messages go ahead of those queued at the broker (a failed
	// result: a reaction may be waiting on it). Order between messages of
	// one kind is kept; an urgent one may overtake an ordinary one.
	Urgent bool
}
