package assemblyscript_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
)

// BenchmarkASHTTPCheck is the AssemblyScript http check beside the same
// check in plain Go, in one run, against a server in another process
// (its CPU is not counted), a fresh connection per check as the host
// makes, with CPU per check. Set beside host's BenchmarkHTTPCheck (the
// Go http-status plugin) it separates the Go guest runtime's cost from
// the sandbox's own: an AssemblyScript guest has no runtime to speak of.
func BenchmarkASHTTPCheck(b *testing.B) {
	base := serverProcess(b)
	h := newHost(b)
	const monitors = 64 // as a worker calls: monitors in turn, each its own URL
	urls := make([]string, monitors)
	configs := make([]json.RawMessage, monitors)
	for i := range urls {
		urls[i] = fmt.Sprintf("%s/health/m%d", base, i)
		configs[i], _ = json.Marshal(map[string]string{"url": urls[i]})
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	b.Run("native-go", func(b *testing.B) {
		i := 0
		reportCPU(b, func() {
			resp, err := client.Get(urls[i%monitors])
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatal(resp.Status)
			}
			i++
		})
	})
	b.Run("wasm-as-http-status", func(b *testing.B) {
		i := 0
		reportCPU(b, func() {
			m := i % monitors
			out, _, err := h.Call(context.Background(), host.Call{Plugin: "as-http-status", Input: abi.Input{
				Config: configs[m], Context: abi.CallContext{MonitorID: fmt.Sprint("m", m), Zone: "local", ScheduledAt: time.Now().UTC()}}})
			if err != nil || out.Status != abi.StatusHealthy {
				b.Fatal(out, err)
			}
			i++
		})
	})
}

func reportCPU(b *testing.B, fn func()) {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	fn() // warm: pool, caches
	b.ResetTimer()
	start := cpu()
	for b.Loop() {
		fn()
	}
	b.ReportMetric(float64((cpu()-start).Nanoseconds())/float64(b.N)/1e3, "cpu-us/op")
}

// serverProcess starts this test binary again as a plain HTTP server on
// 127.0.0.1 and returns its URL; it exits when this process does.
func serverProcess(b *testing.B) string {
	cmd := exec.Command(os.Args[0], "-test.run=^TestServerProcess$")
	cmd.Env = append(os.Environ(), "RUNBOOK_AS_BENCH_SERVER=1")
	stdin, _ := cmd.StdinPipe() // closed when we exit: the child stops
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stdin.Close(); _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "http://") {
		b.Fatalf("server process: %q, %v", line, err)
	}
	return strings.TrimSpace(line)
}

// TestServerProcess is the child side of serverProcess; in a normal test
// run it does nothing.
func TestServerProcess(t *testing.T) {
	if os.Getenv("RUNBOOK_AS_BENCH_SERVER") == "" {
		return
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("http://%s\n", ln.Addr())
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); os.Exit(0) }()
	_ = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
}
