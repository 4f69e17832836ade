// Package actioner turns results into decisions. For each result it
// updates the monitor's counters in the zone Redis, records a history row
// (and an event when the status changed), decides which reactions fire
// (engine.Decide), runs them as plugins and records what happened.
//
// Everything it records goes to the zone journal, never straight to the
// store: so an actioner keeps working when the store is down
// ("cache-only"), and the store gets batched writes.
//
// A result is handled in two steps. The first, one Redis transaction,
// applies the counters and journals history and event, and marks the
// result as applied; the second runs the reactions and marks it done. If
// the actioner dies in between, the broker re-sends the result and the
// mark tells the next actioner to run only the second step: counters are
// never applied twice, and reactions run at least once.
package actioner
