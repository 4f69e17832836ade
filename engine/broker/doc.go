// Package broker is the ZeroMQ plumbing between Runbook's components: the
// monitor broker (control → workers) and the action broker (workers and
// bridge → actioners) are the same device with different names.
//
// Producers PUSH messages to the broker's frontend (a PULL socket). Each
// message is three frames: id, re-send deadline (unix ms), payload.
//
// Consumers connect a DEALER to the backend (a ROUTER) and ask for work:
//
//	consumer → broker   READY n      "I have n free slots" (absolute; sent
//	                                  on connect and when the broker was
//	                                  silent too long, e.g. it restarted)
//	consumer → broker   DONE id      job finished; frees one slot
//	consumer → broker   FREE id      slot freed, job still running (Release)
//	consumer → broker   END id       a freed job finished; frees nothing
//	consumer → broker   HB           I am alive
//	broker → consumer   JOB id pl    a job, sent only against a free slot
//	broker → consumer   HB           I am alive
//	broker → consumer   AGAIN        I do not know you (I restarted): READY
//
// Batched forms carry the same meaning for many messages in one frame
// (pack.go): a producer's BATCH (packed id, deadline, payload), the
// broker's JOBS (every job it dispatched to that consumer in one loop
// turn) and a consumer's ACKS (its DONE/FREE/END in the order they
// happened). Credits count messages, never frames. Batches form only from
// what is already waiting (a control round, the results that finished
// while the previous frame was sent): nothing waits for a batch to fill.
//
// Because work is only sent against announced slots, a slow consumer is
// never buried and a dead one strands at most the jobs it held: those are
// re-sent when it misses three heartbeats or, if it stays alive but never
// answers, when their deadline passes. Jobs waiting for a free slot sit in
// a bounded queue; past its limit new jobs are dropped and counted, never
// kept in unbounded memory.
//
// A broker restart. Producers keep sending: their PUSH socket holds
// messages in its pipe until the broker is back (up to the high-water
// mark). Consumers that kept running are asked AGAIN by the new broker
// (or re-announce after Liveness silent beats) and get work at once. What
// the broker held in memory goes with it: messages waiting in its queue
// and its in-flight table. In-flight messages whose consumer stays alive
// are not lost (the consumer finishes them and pushes results onward);
// the waiting queue, and messages a producer wrote in the instant before
// it noticed the broker went away, are. For the monitor broker that is a
// skipped run (the next slot comes an interval later); for the action
// broker it is a lost result, which is why the queue is kept short: jobs
// wait only while every consumer slot is busy.
package broker
