// Package store defines the source of truth's interface: what web, bridge
// and actioner need from it. Backends live in subpackages (bolt: embedded,
// the default; rethink: RethinkDB for multi-zone deployments) and all pass
// the same conformance suite in storetest.
package store
