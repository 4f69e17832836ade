// Package bolt is Runbook's embedded store: the whole source of truth in one
// bbolt file, so a single-node deployment (and every test) needs no database
// server. It implements store.Store and passes the storetest conformance
// suite, like the RethinkDB backend used for multi-zone deployments.
//
// Layout, one bucket per kind (see schema.go):
//
//   - monitors, reactions: id → JSON, plus an owner index so listing one
//     account's objects does not scan everyone's.
//   - history, events, reaction logs: time+id → JSON, an id set that makes
//     adds idempotent, and a monitor+time index so a monitor's recent rows
//     are one short range read. Keying the data by time keeps Prune a range
//     delete from the front of the bucket.
//   - queues: one nested bucket per zone keyed by the bucket's NextSequence
//     (8 bytes big-endian, so byte order is enqueue order).
//   - users (+ email index), tokens, and meta (schema version).
//
// A monitor or reaction write and its zone queue entries commit in one
// transaction. WatchQueue is fed by an in-process broadcast that runs after
// commit; the embedded store has one process by construction (bbolt holds
// an exclusive file lock), so no polling is needed.
package bolt
