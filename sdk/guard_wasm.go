//go:build wasip1

package sdk

// guard is the lock of the SDK's shared state (the config cache, the
// reused buffers, the chunk carver): none at all in a wasm guest.
//
// RATIONALE: Go's wasip1 port runs every goroutine on one thread and
// switches only where a goroutine blocks (no threads, no sysmon, so no
// preemption). No guarded section blocks; one that allocates (and so
// could park to assist the GC) either stays consistent if another
// goroutine runs meanwhile (the carver hands out fresh memory only) or
// is reached only from the one runbook_call in progress (the config
// cache, the input decoder's state). Yet sync.Mutex and sync/atomic are
// calls there, not instructions: ~4 µs of an http check's guest time
// (docs/PERFORMANCE.md, "Plugin host").
type guard struct{}

func (guard) Lock()   {}
func (guard) Unlock() {}
