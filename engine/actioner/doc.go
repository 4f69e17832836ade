// Package actioner turns results into decisions. For each result it
// updates the monitor's counters in the zone Redis, records a history row
// (and an event when the zone's status changed), decides which reactions
// fire (engine.Decide, plus silences, the store's lastrun and, for a
// monitor checked in several zones, its quorum), runs them as plugins and
// records what happened.
//
// Everything it records goes to the zone journal, never straight to the
// store: so an actioner keeps working when the store is down
// ("cache-only"), and the store gets batched writes.
//
// A result is handled in two steps. The first applies the counters and
// journals history and event in a conditional Lua commit (it applies
// only if the counters still name the result read before: two results of
// one monitor never both apply on the same base), and marks the result
// applied. Results handled at the same moment share that step (group.go):
// one read pipeline and one commit script per batch, each handler waiting
// for its own result's commit before its DONE. The second runs the reactions, journals their logs and
// lastruns, and marks the result done. If the actioner dies in between,
// the broker re-sends the result and the mark tells the next actioner to
// run only the second step: counters are never applied twice, and
// reactions run at least once. Between the steps the handler gives its
// broker slot back (broker.Release): reactions have their own deadlines,
// and a slow one must not hold up results of other monitors.
//
// Quorum. Zones share only the store. A zone's status lives there as its
// newest event; the journal flusher recomputes the monitor's status from
// every zone's newest event after writing events (see journal), and the
// actioner, before firing a reaction of a multi-zone monitor, reads the
// same events (taking its own zone's status fresh from Redis) and holds
// the reaction back, logged "quorum: …", until K zones agree. A zone that
// reached its trigger before the quorum fires later, on the result that
// finds the quorum met, unless the reaction already ran for this incident
// in any zone.
package actioner
