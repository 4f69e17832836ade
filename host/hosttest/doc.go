// Package hosttest gives integration tests real plugins: it builds the
// named plugins to .wasm once per test binary, writes a plugins.lock for
// them, and starts a host.Host on it. All hosts in one test binary share a
// compilation cache, so each module compiles once per process.
//
//	func TestWorker(t *testing.T) {
//		h := hosttest.New(t, "http-status")
//		out, _, err := h.Call(ctx, host.Call{Plugin: "http-status", Input: ...})
//	}
//
// Use Main from TestMain to remove the built files when the binary exits;
// without it they stay in the OS temp dir.
package hosttest
