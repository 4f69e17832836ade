package host_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/host/lock"
)

func TestDigestMismatchIsRefusedAndIsolated(t *testing.T) {
	es := hosttest.Entries(t, "http-status", "webhook")
	good, err := os.ReadFile(es[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	tampered := filepath.Join(t.TempDir(), "http-status.wasm")
	if err := os.WriteFile(tampered, append(good, 0), 0o644); err != nil {
		t.Fatal(err)
	}
	es[0].Path = tampered
	h, err := host.New(context.Background(), host.Config{Entries: es, Cache: hosttest.Cache()})
	if err != nil {
		t.Fatalf("New failed for one bad plugin: %v", err)
	}
	defer h.Close(context.Background())

	_, _, err = h.Call(ctxT(t), host.Call{Plugin: "http-status"})
	var mm *lock.MismatchError
	if !errors.As(err, &mm) {
		t.Fatalf("got %v; want a digest mismatch", err)
	}
	for _, want := range []string{"http-status", es[0].SHA256, lock.Digest(append(good, 0))} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if pluginInfo(t, h, "http-status").Err == nil {
		t.Error("Plugins does not report the broken plugin")
	}
	// The other plugin still serves.
	out, _, err := h.Call(ctxT(t), host.Call{Plugin: "webhook", Input: abi.Input{Config: cfg(t, map[string]any{"url": "http://127.0.0.1:1/"})}})
	if err != nil || out.Status != abi.StatusFailed {
		t.Fatalf("webhook after a broken neighbour: %+v, %v; want a normal failed reaction", out, err)
	}
}

// abiV2Module is a minimal wasm module whose only export is the marker
// runbook_abi_v2: a plugin from a future host.
var abiV2Module = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
	0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
	0x03, 0x02, 0x01, 0x00, // function section: one func of type 0
	0x07, 0x12, 0x01, 0x0e, // export section: one export, name of 14 bytes
	'r', 'u', 'n', 'b', 'o', 'o', 'k', '_', 'a', 'b', 'i', '_', 'v', '2',
	0x00, 0x00, // func index 0
	0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b, // code section: empty body
}

func TestUnknownABIIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "future.wasm")
	if err := os.WriteFile(path, abiV2Module, 0o644); err != nil {
		t.Fatal(err)
	}
	future := lock.Entry{Name: "future", Version: "9.0.0", Kind: abi.KindCheck, ABI: 1, SHA256: lock.Digest(abiV2Module), Path: path}
	lockedV2 := hosttest.Entries(t, "http-status")[0]
	lockedV2.ABI = 2
	h, err := host.New(context.Background(), host.Config{Entries: []lock.Entry{future, lockedV2}, Cache: hosttest.Cache()})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	for _, name := range []string{"future", "http-status"} {
		_, _, err := h.Call(ctxT(t), host.Call{Plugin: name})
		if err == nil || !strings.Contains(err.Error(), "ABI v2") || !strings.Contains(err.Error(), "host speaks ABI v1") {
			t.Errorf("%s: got %v; want an error naming ABI v2 and v1", name, err)
		}
	}
	if _, err := host.Inspect(context.Background(), abiV2Module, nil); err == nil || !strings.Contains(err.Error(), "plugin speaks ABI v2, host speaks ABI v1") {
		t.Errorf("Inspect: got %v; want an error naming both versions", err)
	}
}
