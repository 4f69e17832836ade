package host_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/hosttest"
)

func TestHTTPStatus(t *testing.T) {
	h := hosttest.New(t, "http-status")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Probe") != "yes" && r.URL.Path != "/plain" {
			http.Error(w, "missing header", http.StatusBadRequest)
			return
		}
		if r.URL.Path == "/down" {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte(strings.Repeat("ok", 1000)))
	}))
	t.Cleanup(srv.Close)
	hdr := map[string]string{"X-Probe": "yes"}

	t.Run("healthy", func(t *testing.T) {
		out, err := call(t, h, "http-status", map[string]any{"url": srv.URL + "/up", "headers": hdr})
		if err != nil || out.Status != abi.StatusHealthy {
			t.Fatalf("got %+v, %v; want healthy", out, err)
		}
		if out.Metrics["status"] != 200 {
			t.Errorf("metrics %v: want status 200", out.Metrics)
		}
	})
	t.Run("failed status", func(t *testing.T) {
		out, err := call(t, h, "http-status", map[string]any{"url": srv.URL + "/down", "headers": hdr})
		if err != nil || out.Status != abi.StatusFailed || !strings.Contains(out.Message, "503") {
			t.Fatalf("got %+v, %v; want failed naming 503", out, err)
		}
	})
	t.Run("expected codes", func(t *testing.T) {
		out, err := call(t, h, "http-status", map[string]any{"url": srv.URL + "/down", "headers": hdr, "codes": []int{503}})
		if err != nil || out.Status != abi.StatusHealthy {
			t.Fatalf("got %+v, %v; want healthy for an expected 503", out, err)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close() // nothing listens there now
		out, err := call(t, h, "http-status", map[string]any{"url": "http://" + addr + "/", "timeout": 2})
		if err != nil || out.Status != abi.StatusFailed || !strings.Contains(out.Message, "refused") {
			t.Fatalf("got %+v, %v; want failed with connection refused", out, err)
		}
	})
	t.Run("bad config is unknown", func(t *testing.T) {
		out, err := call(t, h, "http-status", map[string]any{"url": "ftp://x"})
		if err != nil || out.Status != abi.StatusUnknown || !strings.Contains(out.Message, "config") {
			t.Fatalf("got %+v, %v; want unknown naming the config", out, err)
		}
	})
	t.Run("validate", func(t *testing.T) {
		errs, err := h.Validate(ctxT(t), "http-status", "", cfg(t, map[string]any{"url": "nope"}))
		if err != nil || len(errs) != 1 {
			t.Fatalf("got %v, %v; want one field error", errs, err)
		}
		errs, err = h.Validate(ctxT(t), "http-status", "", cfg(t, map[string]any{"url": srv.URL}))
		if err != nil || len(errs) != 0 {
			t.Fatalf("got %v, %v; want no errors", errs, err)
		}
	})
}
