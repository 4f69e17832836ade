// Package gctuning sets the Go garbage collector's target (GOGC) and soft
// memory limit (GOMEMLIMIT) for Runbook's long-running components.
//
// Why: the engine's live heap is small (tens of MB for 100,000 monitors)
// while it allocates a few KB per result, so with Go's default GOGC=100
// the collector runs every few MB of allocation and costs 12–16 µs of CPU
// per result (docs/PERFORMANCE.md, Engine, round 4). A higher GOGC makes
// each cycle rarer; the soft limit keeps the larger heap from growing
// without bound: near the limit the collector runs as often as it needs
// to, whatever GOGC says.
//
// An operator's GOGC or GOMEMLIMIT environment variable always wins over
// the defaults and flags (the Go runtime already applied it at start).
package gctuning
