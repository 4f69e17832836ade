package host_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/hosttest"
)

// TestStagingKeepsWhatServed: a node serves v3 (v2 before it, v1 from the
// lock) when two pushes stage v4 and v5 and give up. Staging must not
// unload the rollback target v2 or the locked v1 (a monitor may pin
// either), only the older staged v4; Uninstall then drops v5, lets a call
// already running on it finish, and refuses to drop the current version.
func TestStagingKeepsWhatServed(t *testing.T) {
	ctx := context.Background()
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			arrived <- struct{}{}
			<-release
		}
	}))
	defer srv.Close()
	h := hosttest.New(t, "http-status")
	v1 := pluginInfo(t, h, "http-status")
	call := func(version, path string) (host.CallInfo, error) {
		_, info, err := h.Call(ctx, host.Call{Plugin: "http-status", Version: version,
			Input: abi.Input{Config: cfg(t, map[string]any{"url": srv.URL + path}), Context: abi.CallContext{MonitorID: "m1"}}})
		return info, err
	}
	loaded := func() []string {
		var vs []string
		for _, p := range h.Plugins() {
			vs = append(vs, p.Version)
		}
		return vs
	}

	for _, v := range []string{"0.2.0-hot", "0.3.0-gc"} {
		e, wasm := hosttest.VariantEntry(t, "http-status", v)
		mustDo(t, h.Install(ctx, e, wasm))
		mustDo(t, h.Promote(e.Name, e.Version))
	}
	for _, v := range []string{"0.4.0-staged", "0.5.0-staged"} {
		e, wasm := hosttest.VariantEntry(t, "http-status", v)
		mustDo(t, h.Install(ctx, e, wasm)) // prepared, never promoted
	}
	got := loaded()
	if want := []string{"0.3.0-gc", "0.5.0-staged", "0.2.0-hot", v1.Version}; !slices.Equal(got, want) {
		t.Fatalf("loaded after two abandoned stagings: %v, want %v (current, newest staged, previous, locked)", got, want)
	}
	for _, v := range []string{"0.2.0-hot", v1.Version} {
		if info, err := call(v, "/"); err != nil || info.Version != v {
			t.Fatalf("pinned call to %s after two stagings: %+v, %v", v, info, err)
		}
	}

	// A call running on v5 when it is uninstalled finishes on it.
	done := make(chan error, 1)
	go func() {
		info, err := call("0.5.0-staged", "/slow")
		if err == nil && info.Version != "0.5.0-staged" {
			err = errors.New("ran " + info.Version)
		}
		done <- err
	}()
	select {
	case <-arrived:
	case <-time.After(30 * time.Second):
		t.Fatal("the call on v5 did not reach the server")
	}
	mustDo(t, h.Uninstall("http-status", "0.5.0-staged"))
	if slices.Contains(loaded(), "0.5.0-staged") {
		t.Fatalf("v5 still listed after Uninstall: %v", loaded())
	}
	if _, err := call("0.5.0-staged", "/"); !errors.Is(err, host.ErrUnknownPlugin) {
		t.Fatalf("new call pinned to the uninstalled v5: %v, want ErrUnknownPlugin", err)
	}
	close(release)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the call running on v5 when it was uninstalled: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the call running on v5 did not finish")
	}

	err := h.Uninstall("http-status", "0.3.0-gc")
	if !errors.Is(err, host.ErrCurrentVersion) || !strings.Contains(err.Error(), "http-status@0.3.0-gc") {
		t.Fatalf("uninstall of the current version: %v, want ErrCurrentVersion naming it", err)
	}
	if info, err := call("", "/"); err != nil || info.Version != "0.3.0-gc" {
		t.Fatalf("after the refused uninstall new calls run %+v, %v; want 0.3.0-gc", info, err)
	}
	if err := h.Uninstall("http-status", "9.9.9"); !errors.Is(err, host.ErrUnknownPlugin) {
		t.Fatalf("uninstall of a version never loaded: %v, want ErrUnknownPlugin", err)
	}
	// Rolling back is still a swap to the loaded previous version.
	mustDo(t, h.Promote("http-status", "0.2.0-hot"))
	if v, _, _ := h.Current("http-status"); v != "0.2.0-hot" {
		t.Fatalf("after rollback current %s", v)
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
