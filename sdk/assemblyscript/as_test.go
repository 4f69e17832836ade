package assemblyscript_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/host/lock"
	"github.com/runbookhq/runbook/host/plugintool"
)

func TestMain(m *testing.M) { hosttest.Main(m) }

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// buildWasm compiles the examples with build.sh, the same script `make as`
// runs, so the test never loads a stale .wasm.
func buildWasm(t testing.TB, name string) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := filepath.Abs(filepath.Join(hosttest.RepoRoot(t), "build", "as-test"))
		if err != nil {
			buildErr = err
			return
		}
		out, err := exec.Command("./build.sh", dir).CombinedOutput()
		if err != nil {
			buildErr = err
			buildDir = string(out)
			return
		}
		buildDir = dir
	})
	if buildErr != nil {
		t.Fatalf("build AssemblyScript examples (make as-deps installs the compiler): %v\n%s", buildErr, buildDir)
	}
	return filepath.Join(buildDir, name+".wasm")
}

func newHost(t testing.TB) *host.Host {
	t.Helper()
	e, err := plugintool.Entry(context.Background(), buildWasm(t, "as-http-status"), "", hosttest.Cache())
	if err != nil {
		t.Fatal(err)
	}
	return hosttest.NewWithConfig(t, host.Config{Entries: []lock.Entry{e}, PoolSize: 2})
}

func TestManifestAndExports(t *testing.T) {
	h := newHost(t)
	info := h.Plugins()[0]
	if info.Name != "as-http-status" || info.Kind != abi.KindCheck || !info.HasValidate {
		t.Fatalf("plugin info %+v", info)
	}
	if info.Manifest.Target != "url" || len(info.Allowed) != 1 || info.Allowed[0] != "http" {
		t.Fatalf("manifest %+v, allowed %v", info.Manifest, info.Allowed)
	}
	var schema map[string]any
	if err := json.Unmarshal(info.Manifest.Config, &schema); err != nil || schema["type"] != "object" {
		t.Fatalf("config schema %s: %v", info.Manifest.Config, err)
	}
}

func TestCheckAgainstRealServer(t *testing.T) {
	h := newHost(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/down" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(srv.Close)
	other := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(other.Close)

	cases := []struct {
		name    string
		config  map[string]any
		status  string
		message string
	}{
		{"up", map[string]any{"url": srv.URL + "/up"}, abi.StatusHealthy, "status 200"},
		{"down", map[string]any{"url": srv.URL + "/down"}, abi.StatusFailed, "status 503, want one of [200]"},
		{"expected code", map[string]any{"url": srv.URL + "/down", "codes": []int{503}}, abi.StatusHealthy, "status 503"},
		{"method", map[string]any{"url": srv.URL + "/up", "method": "head"}, abi.StatusHealthy, "status 200"},
		{"refused", map[string]any{"url": "http://127.0.0.1:1/"}, abi.StatusFailed, "failed:"},
		{"bad url", map[string]any{"url": "ftp://x"}, abi.StatusUnknown, "config: url"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := call(t, h, c.config)
			if out.Status != c.status || !strings.Contains(out.Message, c.message) {
				t.Fatalf("got %+v; want %s with %q", out, c.status, c.message)
			}
			if c.status == abi.StatusHealthy && out.Metrics["total_ms"] <= 0 {
				t.Errorf("metrics %v; want total_ms", out.Metrics)
			}
		})
	}
}

func TestValidateExport(t *testing.T) {
	h := newHost(t)
	errs, err := h.Validate(ctx(t), "as-http-status", "", json.RawMessage(`{"url":"ftp://x","timeout":-1}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) != 2 || errs[0].Field != "url" || errs[1].Field != "timeout" {
		t.Fatalf("errors %+v; want url and timeout", errs)
	}
	if errs, err := h.Validate(ctx(t), "as-http-status", "", json.RawMessage(`{"url":"https://a.example/"}`)); err != nil || len(errs) != 0 {
		t.Fatalf("good config: %+v, %v", errs, err)
	}
}

func call(t *testing.T, h *host.Host, config map[string]any) abi.Output {
	t.Helper()
	b, err := json.Marshal(config)
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := h.Call(ctx(t), host.Call{Plugin: "as-http-status", Input: abi.Input{Config: b}})
	if err != nil {
		t.Fatalf("call: %v", err)
	}
	return out
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}
