// Package faulttest holds the cross-component fault tests of the bridge
// and the write-behind path: a store that refuses writes for a while, a
// zone Redis flushed mid-run, a bridge killed between reading and
// applying, two zones sharing one store. Each test runs whole zones on
// real Redis, ZeroMQ, bbolt (or the RethinkDB wire-protocol test server)
// and wazero plugins. The package has no non-test code.
package faulttest
