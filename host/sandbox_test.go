package host_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/host/lock"
)

// hostileHost runs the hostile test plugin with tight limits beside
// http-status, which must keep serving whatever hostile does.
func hostileHost(t *testing.T) *host.Host {
	es := hosttest.Entries(t, hostile, "http-status")
	es[0].Limits = &lock.Limits{TimeoutMS: 1500, MemoryMiB: 64, OutputBytes: 64 << 10}
	return hosttest.NewWithConfig(t, host.Config{Entries: es, PoolSize: 2})
}

func okServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
	t.Cleanup(srv.Close)
	return srv
}

// stillServing proves the host and both plugins work after an attack.
func stillServing(t *testing.T, h *host.Host, srv *httptest.Server) {
	t.Helper()
	if out, err := call(t, h, "hostile", map[string]any{"mode": "ok"}); err != nil || out.Status != abi.StatusHealthy {
		t.Fatalf("hostile ok afterwards: %+v, %v", out, err)
	}
	if out, err := call(t, h, "http-status", map[string]any{"url": srv.URL}); err != nil || out.Status != abi.StatusHealthy {
		t.Fatalf("http-status afterwards: %+v, %v", out, err)
	}
}

func TestTargetPolicyDeniesAnotherPort(t *testing.T) {
	h := hostileHost(t)
	target, other := okServer(t), okServer(t)
	out, err := call(t, h, "hostile", map[string]any{"mode": "fetch", "url": target.URL, "fetch": other.URL + "/x"})
	if err != nil || out.Status != abi.StatusFailed || !strings.Contains(out.Message, "denied") || !strings.Contains(out.Message, "not the monitor's target") {
		t.Fatalf("got %+v, %v; want failed: denied, not the target", out, err)
	}
	out, err = call(t, h, "hostile", map[string]any{"mode": "fetch", "url": target.URL, "fetch": target.URL + "/y"})
	if err != nil || out.Status != abi.StatusHealthy {
		t.Fatalf("fetch of the target itself: %+v, %v; want healthy", out, err)
	}
	out, err = call(t, h, "hostile", map[string]any{"mode": "fetch", "url": target.URL, "fetch": strings.Replace(target.URL, "127.0.0.1", "localhost", 1)})
	if err != nil || !strings.Contains(out.Message, "denied") {
		t.Fatalf("another host name: %+v, %v; want denied", out, err)
	}
	stillServing(t, h, target)
}

// A capability the manifest asks for but plugins.lock does not grant is
// denied even for the monitor's own target.
func TestUngrantedCapabilityIsDenied(t *testing.T) {
	es := hosttest.Entries(t, hostile, "http-status")
	es[0].Capabilities = nil
	h := hosttest.NewWithConfig(t, host.Config{Entries: es, PoolSize: 2})
	srv := okServer(t)
	out, err := call(t, h, "hostile", map[string]any{"mode": "fetch", "url": srv.URL, "fetch": srv.URL})
	if err != nil || out.Status != abi.StatusFailed || !strings.Contains(out.Message, `capability "http" is not granted`) {
		t.Fatalf("got %+v, %v; want failed: http not granted", out, err)
	}
	stillServing(t, h, srv)
}

func TestTimeoutDiscardsInstanceAndHostKeepsServing(t *testing.T) {
	h := hostileHost(t)
	srv := okServer(t)
	start := time.Now()
	out, err := call(t, h, "hostile", map[string]any{"mode": "spin"})
	if !errors.Is(err, context.DeadlineExceeded) || out.Status != abi.StatusUnknown {
		t.Fatalf("got %+v, %v; want unknown with deadline exceeded", out, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("spin stopped after %s; limit is 1.5s", d)
	}
	if n := pluginInfo(t, h, "hostile").Instances; n != 0 {
		t.Errorf("%d live instances after the timeout; the spinning one must be discarded", n)
	}
	stillServing(t, h, srv)
}

func TestHostilePluginsAreContained(t *testing.T) {
	t.Setenv("RUNBOOK_TEST_SECRET", "must not reach plugins")
	h := hostileHost(t)
	srv := okServer(t)
	cases := []struct {
		mode    string
		size    int
		wantErr string // error from Call, "" when the plugin reports
		want    string // status when no error
	}{
		{mode: "big", size: 1 << 20, wantErr: "exceeds the limit"},
		{mode: "panic", wantErr: "trapped: wasm error: unreachable"},
		{mode: "memory", size: 200 << 20, wantErr: "trapped"},
		{mode: "env", want: "env 0"}, // the host's own environment is not empty (see below)
		{mode: "file", want: "read:"},
		{mode: "log", want: "logged"},
	}
	for _, c := range cases {
		t.Run(c.mode, func(t *testing.T) {
			out, err := call(t, h, "hostile", map[string]any{"mode": c.mode, "size": c.size})
			switch {
			case c.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("got %+v, %v; want error containing %q", out, err, c.wantErr)
				}
			case err != nil || !strings.Contains(out.Message, c.want):
				t.Fatalf("got %+v, %v; want message containing %q", out, err, c.want)
			}
			stillServing(t, h, srv)
		})
	}
}
