// Package broker is the ZeroMQ plumbing between Runbook's components: the
// monitor broker (control → workers) and the action broker (workers and
// bridge → actioners) are the same device with different names.
//
// Producers send messages from a DEALER to the broker's frontend (a
// ROUTER). Each message is three frames: id, re-send deadline (unix ms),
// payload (or many in one BATCH frame). A producer keeps every message
// until the broker reports it finished:
//
//	producer → broker   BATCH packed     messages (a copy of one the broker
//	                                      still holds is ignored)
//	broker → producer   OK packed-ids    a consumer finished these (DONE), or
//	                                      released their slot (FREE: the
//	                                      actioner does once the result is
//	                                      committed, before reactions)
//
// The OKs go to the producer's second DEALER (identity "a:"+token beside
// the sender's "p:"+token), which only its reader goroutine touches. What
// is not finished after ResendAfter is sent again, so a broker that dies
// with messages queued or in flight loses none: they come back from their
// producers. A producer's window bounds what it has unfinished; a Send
// past it waits (counted), which is how a slow consumer side slows the
// components feeding it instead of filling queues.
//
// Consumers connect a DEALER to the backend (a ROUTER) and ask for work:
//
//	consumer → broker   READY n      "I have n free slots" (absolute; sent
//	                                  on connect and when the broker was
//	                                  silent too long, e.g. it restarted)
//	consumer → broker   DONE id      job finished; frees one slot
//	consumer → broker   FREE id      slot freed, job still running (Release)
//	consumer → broker   END id       a freed job finished; frees nothing
//	consumer → broker   RETRY id     not finished: send it again after
//	                                  RetryAfter (frees the slot unless
//	                                  FREE already did)
//	consumer → broker   HB           I am alive
//	broker → consumer   JOB id pl    a job, sent only against a free slot
//	broker → consumer   HB           I am alive
//	broker → consumer   AGAIN        I do not know you (I restarted): READY
//
// Batched forms carry the same meaning for many messages in one frame
// (pack.go): a producer's BATCH (packed id, deadline, payload), the
// broker's JOBS (every job it dispatched to that consumer in one loop
// turn) and a consumer's ACKS (its DONE/FREE/END in the order they
// happened). Credits count messages, never frames. Batches form from
// what is already waiting (a control round, the results that finished
// while the previous frame was sent) and, at low rates, from short
// lingers a component opts into (WithLinger for a producer's ordinary
// messages, ConsumerConfig.AckLinger for acks), so the messages of one
// control tick share frames and wake-ups instead of paying for each.
// Urgent messages never linger.
//
// Every loop waits for its sockets in Go's netpoller on their ZMQ_FD
// (fdwait.go), never in a blocking cgo call.
//
// Because work is only sent against announced slots, a slow consumer is
// never buried and a dead one strands at most the jobs it held: those are
// re-sent when it misses three heartbeats or, if it stays alive but never
// answers, when their deadline passes. Jobs waiting for a free slot sit in
// a bounded queue; past its limit new jobs are dropped and counted, never
// kept in unbounded memory.
//
// A broker restart. Producers keep sending: their socket holds messages
// in its pipe until the broker is back (up to the high-water mark), and
// re-send what the dead broker held and never reported finished.
// Consumers that kept running are asked AGAIN by the new broker (or
// re-announce after Liveness silent beats) and get work at once; a
// message they were running may run twice (once finished for the old
// broker, once re-sent by its producer), which the actioner's apply step
// recognises (at least once, applied once). A copy that reaches a broker
// which finished the message moments ago (the re-send crossed the OK) is
// answered OK again rather than handed out twice.
//
// A producer's own crash loses what it had unfinished. A worker therefore
// holds each job (its slot released and the job detached, still in flight
// at the monitor broker) until the action broker reports the job's result
// finished (Detach, Producer.SendThen): a worker that dies before that has
// its job re-sent to another one, which runs the check again. A released
// message's deadline is at least ReleasedFor away.
//
// Urgent messages (a result that is not healthy) travel in BATCHU frames
// and wait in a queue of their own, served first, so a failure's reaction
// does not wait behind a backlog of healthy results.
package broker
