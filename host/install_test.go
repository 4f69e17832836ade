package host_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/host/lock"
)

func hotServer(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestInstallPromoteUnderLoad swaps the current version while 8
// goroutines call it: no call fails, and once Promote returns every new
// call runs the new digest, while a pinned call still gets the old one.
func TestInstallPromoteUnderLoad(t *testing.T) {
	h := hosttest.New(t, "http-status")
	url := hotServer(t)
	v1 := pluginInfo(t, h, "http-status")
	e2, wasm2 := hosttest.VariantEntry(t, "http-status", "0.2.0-hot")

	// Each goroutine calls until it has made afterG calls that started
	// after Promote returned (an install takes ~1 s; calls take far less,
	// so a fixed count could end before the swap), bounded by maxG calls
	// and a minute.
	const goroutines, afterG, maxG = 8, 50, 200_000
	stopAt := time.Now().Add(time.Minute)
	var (
		failed, newSeen atomic.Int64
		promoted        atomic.Bool
		wrongAfter      atomic.Int64
		wg              sync.WaitGroup
		firstErr        atomic.Value
	)
	installAt := make(chan struct{})
	startInstall := sync.OnceFunc(func() { close(installAt) })
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer startInstall() // never leave the install waiting
			after := 0
			for i := 0; i < maxG && after < afterG && time.Now().Before(stopAt); i++ {
				if g == 0 && i == 50 {
					startInstall()
				}
				wasPromoted := promoted.Load()
				if wasPromoted {
					after++
				}
				out, info, err := h.Call(context.Background(), host.Call{Plugin: "http-status", Kind: abi.KindCheck,
					Input: abi.Input{Config: cfg(t, map[string]any{"url": url}), Context: abi.CallContext{MonitorID: "m1"}}})
				if err != nil || out.Status != abi.StatusHealthy {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, errors.Join(err, errors.New(out.Message)))
				}
				if info.Digest == e2.SHA256 {
					newSeen.Add(1)
				} else if wasPromoted {
					wrongAfter.Add(1)
				}
			}
		}()
	}
	<-installAt
	if err := h.Install(context.Background(), e2, wasm2); err != nil {
		t.Fatalf("install: %v", err)
	}
	if err := h.Promote("http-status", e2.Version); err != nil {
		t.Fatalf("promote: %v", err)
	}
	promoted.Store(true)
	wg.Wait()
	if n := failed.Load(); n != 0 {
		t.Fatalf("%d calls failed during the swap; first: %v", n, firstErr.Load())
	}
	if newSeen.Load() < goroutines*afterG || wrongAfter.Load() != 0 {
		t.Fatalf("new digest served %d times; old digest served %d times after Promote returned", newSeen.Load(), wrongAfter.Load())
	}
	// Pinning: the old version is still loaded and serves when named.
	_, info, err := h.Call(context.Background(), host.Call{Plugin: "http-status", Version: v1.Version,
		Input: abi.Input{Config: cfg(t, map[string]any{"url": url}), Context: abi.CallContext{MonitorID: "m1"}}})
	if err != nil || info.Digest != v1.Digest {
		t.Fatalf("pinned call: digest %s, err %v; want %s", info.Digest, err, v1.Digest)
	}
	// Rollback is a Promote of the previous version.
	if err := h.Promote("http-status", v1.Version); err != nil {
		t.Fatal(err)
	}
	if _, d, _ := h.Current("http-status"); d != v1.Digest {
		t.Fatalf("after rollback current digest %s, want %s", d, v1.Digest)
	}
	// Installing the same version and bytes again is a no-op.
	if err := h.Install(context.Background(), e2, wasm2); err != nil {
		t.Fatalf("re-install: %v", err)
	}
}

// TestInstallRefuses checks each refusal names what is wrong and leaves
// the current version serving.
func TestInstallRefuses(t *testing.T) {
	h := hosttest.New(t, "http-status")
	url := hotServer(t)
	v1 := pluginInfo(t, h, "http-status")
	e2, wasm2 := hosttest.VariantEntry(t, "http-status", "0.2.0-hot")

	corrupt := append([]byte{}, wasm2[:len(wasm2)/2]...)
	corruptEntry := e2
	corruptEntry.SHA256 = lock.Digest(corrupt)

	otherABI := tinyModule("runbook_abi_v9")
	otherABIEntry := e2
	otherABIEntry.SHA256 = lock.Digest(otherABI)

	wrongABIEntry := e2
	wrongABIEntry.ABI = 2

	ungranted := e2
	ungranted.Capabilities = nil

	sameVersion := e2
	sameVersion.Version = v1.Version

	wrongManifest := e2
	wrongManifest.Version = "9.9.9"

	cases := []struct {
		name  string
		entry lock.Entry
		wasm  []byte
		want  []string
	}{
		{"wrong digest", e2, wasm2[:len(wasm2)-1], []string{"http-status", e2.SHA256, lock.Digest(wasm2[:len(wasm2)-1])}},
		{"does not compile", corruptEntry, corrupt, []string{"http-status", "compile"}},
		{"module speaks another ABI", otherABIEntry, otherABI, []string{"ABI v9", "host speaks ABI v1"}},
		{"entry says another ABI", wrongABIEntry, wasm2, []string{"ABI v2"}},
		{"capability not granted", ungranted, wasm2, []string{"http-status", "[http]", "not granted"}},
		{"manifest is another version", wrongManifest, wasm2, []string{"9.9.9", "0.2.0-hot"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := h.Install(context.Background(), c.entry, c.wasm)
			if err == nil {
				t.Fatal("installed; want refused")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if _, d, _ := h.Current("http-status"); d != v1.Digest {
				t.Fatalf("current digest %s after a refused install, want %s", d, v1.Digest)
			}
			out, info, err := h.Call(context.Background(), host.Call{Plugin: "http-status",
				Input: abi.Input{Config: cfg(t, map[string]any{"url": url}), Context: abi.CallContext{MonitorID: "m1"}}})
			if err != nil || out.Status != abi.StatusHealthy || info.Digest != v1.Digest {
				t.Fatalf("after refusal: %+v %+v %v", out, info, err)
			}
		})
	}
	var mm *lock.MismatchError
	if err := h.Install(context.Background(), e2, wasm2[1:]); !errors.As(err, &mm) {
		t.Fatalf("wrong digest error %v is not a *lock.MismatchError", err)
	}
	// The same version with other bytes is refused even when they verify.
	if err := h.Install(context.Background(), sameVersion, wasm2); !errors.Is(err, host.ErrVersionConflict) {
		t.Fatalf("same version, other digest: %v", err)
	}
	if err := h.Promote("http-status", "7.7.7"); !errors.Is(err, host.ErrUnknownPlugin) {
		t.Fatalf("promote of a version never installed: %v", err)
	}
}

// tinyModule is a valid wasm module exporting one empty function named
// export: enough to reach the host's ABI marker check.
func tinyModule(export string) []byte {
	b := []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
		0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type: () -> ()
		0x03, 0x02, 0x01, 0x00, // func 0 has type 0
	}
	exp := append([]byte{0x01, byte(len(export))}, export...)
	exp = append(exp, 0x00, 0x00) // func index 0
	b = append(b, 0x07, byte(len(exp)))
	b = append(b, exp...)
	return append(b, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b) // code: empty body
}
