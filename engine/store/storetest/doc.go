// Package storetest is the conformance suite every store backend passes:
// the same tests, run against the embedded bbolt store always, against the
// RethinkDB wire-protocol test server in CI, and against a real RethinkDB
// when one is configured. It pins down what store.go promises (ErrNotFound,
// queue ordering, idempotent records, newest-first reads, forward-only
// lastrun, watch semantics, durability across a restart) so callers can rely
// on the interface and not on one backend's accidents.
//
// A backend's test calls
//
//	storetest.Run(t, func(t *testing.T) store.Store { ... fresh store ... })
//
// or, to also run the restart tests, RunFactory with a Reopen func.
//
// The suite stays backend-neutral on purpose: fixture times are whole
// milliseconds in UTC (RethinkDB keeps milliseconds), objects are compared
// as JSON with zero values dropped and times normalised, and only behaviour
// the interface documents is asserted.
package storetest
