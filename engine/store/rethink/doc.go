// Package rethink is the RethinkDB store backend, for deployments whose
// zones share one store across data centers (RethinkDB replicates it). It
// implements store.Store through gopkg.in/rethinkdb/rethinkdb-go.v6.
//
// Layout: one database (Options.Database) holding the tables in schema.go,
// created with their secondary indexes on Open when missing, and a meta
// row recording the schema version so a newer binary migrates an older
// database. Each object row carries the fields ReQL filters, orders or
// updates on (owner, zone, a sortable time key, status, last run) beside a
// "body" string holding the object's JSON exactly as encoding/json wrote
// it: RethinkDB keeps times to the millisecond and numbers as doubles,
// and the store promises callers their objects back as they were put.
//
// Zone queues are one table ordered by ids that are time-ordered with a
// random tail, so writers on many hosts never collide; WatchQueue is a
// changefeed on the zone's entries, not a poll. Records (history, events,
// reaction logs) are inserted with a conflict function that keeps the
// existing row, so replaying a write-behind log is harmless.
//
// Errors that mean "the store cannot be reached or refuses writes"
// (connection loss, a primary replica unavailable) wrap store.ErrUnavailable
// so actioners switch to cache-only mode on them.
//
// Tests run against the in-repo wire-protocol server in ./rethinktest and,
// when RUNBOOK_TEST_RETHINKDB names one (host:port), against a real server.
package rethink
