// Package engine holds Runbook's domain — monitors, reactions, results,
// events and the rules that decide when a reaction fires — and, in its
// subpackages, the native pipeline that moves work between them:
//
//	control  → claims due monitors from the zone Redis schedule
//	broker   → ZeroMQ load-balancing devices (monitor broker, action broker)
//	worker   → runs check plugins for jobs
//	actioner → applies results, decides and runs reactions, does bookkeeping
//	store    → the source of truth (embedded bbolt or RethinkDB)
//
// The types here are plain data with no I/O so that every component (and
// every store backend) shares one vocabulary.
package engine
