package host_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/hosttest"
)

const fixed = "host/testdata/plugins/fixed"

// A Go SDK plugin exports runbook_input_buffer (docs/ABI.md §6.2): an
// input that fits is written into that buffer (one guest entry per call);
// one that does not goes through runbook_alloc; both produce the right
// result, in any order, on the same instance.
func TestInputBufferAndAllocFallback(t *testing.T) {
	h := hosttest.NewWithConfig(t, host.Config{Entries: hosttest.Entries(t, fixed), PoolSize: 1})
	call := func(msg string) {
		t.Helper()
		cfg, _ := json.Marshal(map[string]string{"status": "failed", "message": msg})
		out, _, err := h.Call(ctxT(t), host.Call{Plugin: "fixed", Input: abi.Input{Config: cfg}})
		if err != nil {
			t.Fatalf("message of %d bytes: %v", len(msg), err)
		}
		if out.Status != abi.StatusFailed || out.Message != msg {
			t.Fatalf("message of %d bytes: got %s %.60q…", len(msg), out.Status, out.Message)
		}
	}
	head := func() (int, []byte) {
		t.Helper()
		size, b, err := host.InputBufferForTest(ctxT(t), h, "fixed", 64)
		if err != nil {
			t.Fatal(err)
		}
		return size, b
	}

	call("small one")
	size, b := head()
	if size < 1024 {
		t.Fatalf("input buffer of %d bytes; the Go SDK exports one of 16 KiB", size)
	}
	if b[0] != 0xB2 || !bytes.Contains(b, []byte("small one")) {
		t.Fatalf("the small input was not written into the input buffer: % x", b)
	}

	big := strings.Repeat("x", size+100) // the input cannot fit
	call(big)
	if _, b := head(); !bytes.Contains(b, []byte("small one")) {
		t.Fatalf("the big input overwrote the input buffer instead of going through runbook_alloc: %q", b)
	}

	for i := range 3 { // the buffer still serves after the fallback
		call(fmt.Sprint("again ", i))
		if _, b := head(); !bytes.Contains(b, []byte(fmt.Sprint("again ", i))) {
			t.Fatalf("call %d: input not in the buffer: %q", i, b)
		}
	}
}

// A host that ignores the export (as an older host would) still runs the
// plugin through runbook_alloc: the addition is backward compatible.
func TestInputBufferIgnored(t *testing.T) {
	defer host.SetInputBufferForTest(false)()
	h := hosttest.NewWithConfig(t, host.Config{Entries: hosttest.Entries(t, fixed), PoolSize: 1})
	for _, msg := range []string{"one", strings.Repeat("y", 20<<10), "two"} {
		cfg, _ := json.Marshal(map[string]string{"status": "unknown", "message": msg})
		out, _, err := h.Call(ctxT(t), host.Call{Plugin: "fixed", Input: abi.Input{Config: cfg}})
		if err != nil || out.Status != abi.StatusUnknown || out.Message != msg {
			t.Fatalf("message of %d bytes: %v %s", len(msg), err, out.Status)
		}
	}
	if size, _, err := host.InputBufferForTest(ctxT(t), h, "fixed", 8); err != nil || size != 0 {
		t.Fatalf("input buffer of %d bytes (%v) on a host told to ignore it", size, err)
	}
}
