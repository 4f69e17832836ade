package host

import (
	"log/slog"
	"time"
)

// How a call's deadline stops guest code that never returns to the host.
const (
	// Instrumented modules count down to a tick at every loop body and
	// function entry (instrument.go); the tick traps past the deadline.
	// Cheap: a few instructions per iteration, one exit to Go per
	// tickInterval.
	enforceInstrumented = "instrumented"
	// wazero's WithCloseOnContextDone(true) exits to Go at every loop
	// back-edge and function entry to look at the context (~27 ns per
	// iteration in wazero 1.12, wazero #2466). The fallback for modules
	// instrument cannot rewrite.
	enforceCloseOnContextDone = "close-on-context-done"
	// enforceNone checks nothing inside guest code: a loop that never
	// calls the host runs until it ends by itself. Only benchmarks use it
	// (the timer-close comparison).
	enforceNone = "none"
)

// deadlineEnforcement is what hosts created from now on try first:
// enforceInstrumented in production; benchmarks and tests change it to
// compare the alternatives and to keep the fallback path tested.
var deadlineEnforcement = enforceInstrumented

// prepareDeadline returns the module to compile and how its deadline is
// enforced: instrumented when possible, else WithCloseOnContextDone, with
// the reason logged. cacheDir is the Host's CacheDir (see
// instrumentCached).
func prepareDeadline(wasm []byte, want, cacheDir string, log *slog.Logger) ([]byte, string) {
	if want != enforceInstrumented {
		return wasm, want
	}
	start := time.Now()
	out, err := instrumentCached(wasm, cacheDir)
	if err != nil {
		log.Warn("deadline: module not instrumented; falling back to WithCloseOnContextDone (slower loops)", "reason", err)
		return wasm, enforceCloseOnContextDone
	}
	log.Debug("deadline: module instrumented", "bytes", len(wasm), "instrumented_bytes", len(out), "duration", time.Since(start))
	return out, enforceInstrumented
}
