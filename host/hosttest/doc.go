// Package hosttest gives integration tests real plugins: it builds the
// named plugins to .wasm once per test binary, writes a plugins.lock for
// them, and starts a host.Host on it. All hosts share an on-disk
// compilation cache (see Cache), so each module compiles once per machine.
//
//	func TestWorker(t *testing.T) {
//		h := hosttest.New(t, "http-status")
//		out, _, err := h.Call(ctx, host.Call{Plugin: "http-status", Input: ...})
//	}
//
// Use Main from TestMain to remove the built files when the binary exits;
// without it they stay in the OS temp dir.
package hosttest
