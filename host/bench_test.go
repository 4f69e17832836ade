package host_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
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
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/tetratelabs/wazero"
)

// Benchmarks for docs/PERFORMANCE.md ("## Plugin host"). Run them all with
// `make bench`, or: go test -run='^$' -bench=. ./host/

// cpuTime is the CPU (user + system) this process has used. Wall time
// hides what matters for a monitoring host: how many checks a core does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU runs fn b.N times and reports CPU microseconds per op.
func reportCPU(b *testing.B, fn func()) {
	b.Helper()
	b.ResetTimer()
	start := cpuTime()
	for b.Loop() {
		fn()
	}
	b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N)/1e3, "cpu-us/op")
}

func benchHost(b *testing.B, names ...string) *host.Host {
	b.Helper()
	return hosttest.NewWithConfig(b, host.Config{Entries: hosttest.Entries(b, names...), PoolSize: 1, Logger: discard()})
}

func mustCall(b *testing.B, h *host.Host, plugin, config string) abi.Output {
	out, _, err := h.Call(context.Background(), host.Call{Plugin: plugin, Input: abi.Input{
		Config: json.RawMessage(config), Context: abi.CallContext{MonitorID: "m1"}}})
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkCall is the per-call overhead of the sandbox: a call that does
// nothing (JSON in, JSON out, pooled instance), through the Go SDK and
// through a bare-ABI plugin.
func BenchmarkCall(b *testing.B) {
	h := benchHost(b, hostile, rawabi)
	hAlloc := func() *host.Host { // runbook_input_buffer ignored: two guest entries per call
		defer host.SetInputBufferForTest(false)()
		return benchHost(b, hostile)
	}()
	for _, c := range []struct {
		name, plugin, config string
		h                    *host.Host
	}{
		{"noop-sdk", "hostile", `{"mode":"ok"}`, h},
		{"noop-sdk-alloc", "hostile", `{"mode":"ok"}`, hAlloc},
		{"noop-bare-abi", "rawabi", `{"mode":"echo","say":"x"}`, h},
	} {
		h := c.h
		b.Run(c.name, func(b *testing.B) {
			mustCall(b, h, c.plugin, c.config)
			reportCPU(b, func() { mustCall(b, h, c.plugin, c.config) })
		})
	}
	// The whole http-status call with the http capability answering from
	// memory (no network, so the guest's code and data stay in the CPU's
	// caches between calls): the sandbox's cost per check, warm.
	b.Run("http-status-canned", func(b *testing.B) {
		defer host.SetHTTPCannedForBench()()
		hs := benchHost(b, "http-status")
		i := 0
		call := func() {
			m := i % benchMonitors
			out, _, err := hs.Call(context.Background(), host.Call{Plugin: "http-status", Input: abi.Input{
				Config:  json.RawMessage(fmt.Sprintf(`{"url":"%s/health/m%d"}`, host.CannedURL, m)),
				Context: abi.CallContext{MonitorID: fmt.Sprint("m", m), Zone: "local", ScheduledAt: time.Now().UTC()}}})
			if err != nil || out.Status != abi.StatusHealthy {
				b.Fatal(out, err)
			}
			i++
		}
		call()
		reportCPU(b, call)
	})
	// One guest entry and exit alone (the empty marker export of a Go SDK
	// plugin, 1,000 per op): what runbook_input_buffer saves per call.
	b.Run("guest-entry-x1000", func(b *testing.B) {
		reportCPU(b, func() {
			if err := host.GuestEntryForBench(context.Background(), h, "hostile", 1000); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// BenchmarkLoad: compiling a module cold, loading it from a warm
// compilation cache (in memory, shared by hosts; or on disk in CacheDir,
// as after a restart), and instantiating one more pooled instance.
func BenchmarkLoad(b *testing.B) {
	es := hosttest.Entries(b, "http-status")
	newHost := func(cache wazero.CompilationCache) *host.Host {
		h, err := host.New(context.Background(), host.Config{Entries: es, Cache: cache, PoolSize: 1, Logger: discard()})
		if err != nil || h.Plugins()[0].Err != nil {
			b.Fatal(err, h.Plugins()[0].Err)
		}
		return h
	}
	b.Run("cold-compile", func(b *testing.B) {
		reportCPU(b, func() {
			cache := wazero.NewCompilationCache() // empty: compiles
			newHost(cache).Close(context.Background())
			cache.Close(context.Background())
		})
	})
	b.Run("cached", func(b *testing.B) {
		cache := wazero.NewCompilationCache()
		defer cache.Close(context.Background())
		newHost(cache).Close(context.Background()) // warm it
		reportCPU(b, func() { newHost(cache).Close(context.Background()) })
	})
	b.Run("cached-dir", func(b *testing.B) { // CacheDir: both caches on disk, as in production
		dir := b.TempDir()
		load := func() {
			h, err := host.New(context.Background(), host.Config{Entries: es, CacheDir: dir, PoolSize: 1, Logger: discard()})
			if err != nil || h.Plugins()[0].Err != nil {
				b.Fatal(err, h.Plugins()[0].Err)
			}
			h.Close(context.Background())
		}
		load() // warm it
		reportCPU(b, load)
	})
	b.Run("instantiate", func(b *testing.B) {
		h := benchHost(b, "http-status")
		reportCPU(b, func() {
			if err := host.InstantiateForBench(context.Background(), h, "http-status"); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// BenchmarkHostCall is one host-function round trip (host_call +
// host_result + JSON both ways) to the cheapest capability, now: the
// difference between a call making 1,000 of them and one making none.
func BenchmarkHostCall(b *testing.B) {
	h := benchHost(b, hostile)
	const n = 1000
	b.Run("now", func(b *testing.B) {
		mustCall(b, h, "hostile", `{"mode":"now","size":0}`)
		startNone := cpuTime()
		for range 200 {
			mustCall(b, h, "hostile", `{"mode":"now","size":0}`)
		}
		base := (cpuTime() - startNone) / 200
		b.ResetTimer()
		start := cpuTime()
		for b.Loop() {
			mustCall(b, h, "hostile", fmt.Sprintf(`{"mode":"now","size":%d}`, n))
		}
		per := (cpuTime()-start)/time.Duration(b.N) - base
		b.ReportMetric(float64(per.Nanoseconds())/n/1e3, "cpu-us/hostcall")
	})
}

// BenchmarkHTTPCheck is the figure that matters: the http-status plugin
// against the same check written in plain Go, side by side in one run,
// against a server in another process (so its CPU is not counted), with
// CPU per check. Target: wasm ≤ 1.10× native.
//
// Calls look like a worker's: they rotate over benchMonitors monitors,
// each with its own URL (so config caches must hold them all), and carry
// the zone and scheduled time the worker sends. The native loop GETs the
// same URLs in the same order.
func BenchmarkHTTPCheck(b *testing.B) {
	base := benchServer(b)
	urls := make([]string, benchMonitors)
	configs := make([]json.RawMessage, benchMonitors)
	for i := range urls {
		urls[i] = fmt.Sprintf("%s/health/m%d", base, i)
		configs[i] = json.RawMessage(fmt.Sprintf(`{"url":%q}`, urls[i]))
	}
	for _, conn := range []struct {
		name      string
		keepAlive bool
	}{{"fresh-conn", false}, {"keep-alive", true}} {
		native := nativeHTTPCheck(conn.keepAlive)
		newHost := func(binary, inputBuffer bool) *host.Host {
			defer host.SetHTTPKeepAliveForBench(conn.keepAlive)()
			defer host.SetCallBinaryForTest(binary)()
			defer host.SetInputBufferForTest(inputBuffer)()
			return benchHost(b, "http-status")
		}
		hosts := map[string]*host.Host{
			"wasm-http-status":           newHost(true, true),
			"wasm-http-status-alloc":     newHost(true, false), // runbook_input_buffer ignored
			"wasm-http-status-json-call": newHost(false, true),
			"wasm-http-status-nethttp": func() *host.Host { // the direct path off: net/http's client
				defer host.SetHTTPDirectForTest(false)()
				return newHost(true, true)
			}(),
		}
		b.Run(conn.name+"/native-go", func(b *testing.B) {
			i := 0
			reportCPU(b, func() {
				if err := native(urls[i%benchMonitors]); err != nil {
					b.Fatal(err)
				}
				i++
			})
		})
		// The same check natively, the way the http capability's direct
		// path sends it (one goroutine; fresh connections only): against
		// this, the wasm figure shows the sandbox's cost alone, while
		// native-go (net/http) stays the bar.
		if !conn.keepAlive {
			b.Run(conn.name+"/native-go-direct", func(b *testing.B) {
				i := 0
				reportCPU(b, func() {
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					status, err := host.DirectGetForBench(ctx, urls[i%benchMonitors], 64<<10)
					cancel()
					if err != nil || status != http.StatusOK {
						b.Fatal(status, err)
					}
					i++
				})
			})
		}
		// The http capability alone, called as the guest calls it (its
		// request JSON, binary reply) with no guest code: wasm minus this
		// is the guest plus the call's glue; this minus native-go-direct
		// is the capability's own glue. "…-then-canned" follows each
		// request with a whole http-status call whose http capability
		// answers from memory: the same guest and glue work as the wasm
		// check, run after the network instead of around it; against
		// BenchmarkCall/http-status-canned it shows what running after
		// network I/O (cold caches) costs the guest.
		if !conn.keepAlive {
			h := hosts["wasm-http-status"]
			capability := func(m int) {
				req := fmt.Appendf(nil, `{"url":%q,"max_body_bytes":1,"omit_headers":true,"reply":"binary"}`, urls[m])
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				n, err := host.HTTPCapabilityForBench(ctx, h, "http-status", configs[m], req)
				cancel()
				if err != nil || n == 0 {
					b.Fatal(n, err)
				}
			}
			b.Run(conn.name+"/host-capability-only", func(b *testing.B) {
				i := 0
				reportCPU(b, func() { capability(i % benchMonitors); i++ })
			})
			b.Run(conn.name+"/host-capability-then-canned", func(b *testing.B) {
				defer host.SetHTTPCannedForBench()()
				hc := benchHost(b, "http-status")
				i := 0
				reportCPU(b, func() {
					m := i % benchMonitors
					capability(m)
					out, _, err := hc.Call(context.Background(), host.Call{Plugin: "http-status", Input: abi.Input{
						Config:  json.RawMessage(fmt.Sprintf(`{"url":"%s/health/m%d"}`, host.CannedURL, m)),
						Context: abi.CallContext{MonitorID: fmt.Sprint("m", m), Zone: "local", ScheduledAt: time.Now().UTC()}}})
					if err != nil || out.Status != abi.StatusHealthy {
						b.Fatal(out, err)
					}
					i++
				})
			})
		}
		for _, name := range []string{"wasm-http-status", "wasm-http-status-nethttp", "wasm-http-status-alloc", "wasm-http-status-json-call"} {
			h := hosts[name]
			b.Run(conn.name+"/"+name, func(b *testing.B) {
				i := 0
				reportCPU(b, func() {
					m := i % benchMonitors
					out, _, err := h.Call(context.Background(), host.Call{Plugin: "http-status", Input: abi.Input{
						Config: configs[m], Context: abi.CallContext{MonitorID: fmt.Sprint("m", m), Zone: "local", ScheduledAt: time.Now().UTC()}}})
					if err != nil || out.Status != abi.StatusHealthy {
						b.Fatal(out, err)
					}
					i++
				})
			})
		}
	}
}

// benchMonitors is how many monitors BenchmarkHTTPCheck rotates over.
const benchMonitors = 64

// nativeHTTPCheck is http-status in plain Go: GET, discard a capped body,
// compare the status, time it. Its own client, configured like the
// host's: a new connection per check, or keep-alive.
func nativeHTTPCheck(keepAlive bool) func(url string) error {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		Proxy: nil, MaxIdleConnsPerHost: 16, IdleConnTimeout: 90 * time.Second, DisableKeepAlives: !keepAlive}}
	return func(url string) error {
		start := time.Now()
		resp, err := client.Get(url)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		_ = time.Since(start)
		return nil
	}
}

// BenchmarkDeadline compares the ways to enforce a call's deadline on a
// loop-heavy guest (10M iterations of a tight loop):
//
//   - instrumented: the module counts down to a host tick at every loop
//     body and function entry (instrument.go; what the host uses)
//   - close-on-ctx-done: wazero's WithCloseOnContextDone (the fallback for
//     modules that cannot be instrumented)
//   - timer-close: no check inside guest code; a timer closes the module
//     with CloseWithExitCode when the deadline passes
//
// loop/* reports the cost per loop iteration without a deadline hit;
// stop/* reports how long a guest ran past a 50 ms deadline before it was
// stopped (the timer can only take effect when the loop ends by itself).
func BenchmarkDeadline(b *testing.B) {
	const iters = 10_000_000
	loop := fmt.Sprintf(`{"mode":"loop","size":%d}`, iters)
	long := fmt.Sprintf(`{"mode":"loop","size":%d}`, 40*iters)
	for _, mode := range []struct{ name, enforce string }{
		{"instrumented", host.DeadlineInstrumented},
		{"close-on-ctx-done", host.DeadlineCloseOnContextDone},
		{"timer-close", host.DeadlineNone},
	} {
		// A separate compile per mode: the compiled code differs.
		newHost := func(names ...string) *host.Host {
			defer host.SetDeadlineForTest(mode.enforce)()
			return benchHost(b, names...)
		}
		h := newHost(hostile)
		b.Run("loop/"+mode.name, func(b *testing.B) {
			mustCall(b, h, "hostile", loop)
			b.ResetTimer()
			start := cpuTime()
			for b.Loop() {
				mustCall(b, h, "hostile", loop)
			}
			b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N)/iters, "cpu-ns/iter")
		})
		b.Run("noop-call/"+mode.name, func(b *testing.B) {
			mustCall(b, h, "hostile", `{"mode":"ok"}`)
			reportCPU(b, func() { mustCall(b, h, "hostile", `{"mode":"ok"}`) })
		})
		b.Run("http-check/"+mode.name, func(b *testing.B) {
			url := benchServer(b)
			hh := newHost("http-status")
			config := fmt.Sprintf(`{"url":%q}`, url)
			mustCall(b, hh, "http-status", config)
			reportCPU(b, func() { mustCall(b, hh, "http-status", config) })
		})
		b.Run("stop/"+mode.name, func(b *testing.B) {
			input, _ := json.Marshal(abi.Input{Config: json.RawMessage(long)})
			var ran time.Duration
			for b.Loop() {
				if mode.enforce == host.DeadlineNone {
					d, _ := host.CallWithTimerCloseForBench(context.Background(), h, "hostile", input, 50*time.Millisecond)
					ran += d
					continue
				}
				ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
				start := time.Now()
				_, _, err := h.Call(ctx, host.Call{Plugin: "hostile", Input: abi.Input{Config: json.RawMessage(long)}})
				ran += time.Since(start)
				cancel()
				if !errors.Is(err, context.DeadlineExceeded) {
					b.Fatalf("got %v; want deadline exceeded", err)
				}
			}
			b.ReportMetric(float64(ran.Microseconds())/1e3/float64(b.N), "ms-until-stopped")
		})
	}
}

var benchSrv struct {
	url string
	cmd *exec.Cmd
}

// benchServer starts (once per test binary) an HTTP server in a child
// process — this test binary, running TestBenchServerProcess — so the
// server's CPU is not in this process's rusage.
func benchServer(b testing.TB) string {
	b.Helper()
	if benchSrv.url != "" {
		return benchSrv.url
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchServerProcess$")
	cmd.Env = append(os.Environ(), "RUNBOOK_BENCH_SERVER=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "http://") {
		b.Fatalf("bench server: %q, %v", line, err)
	}
	_ = stdin // closed when this process exits, which stops the server
	benchSrv.url, benchSrv.cmd = strings.TrimSpace(line), cmd
	return benchSrv.url
}

// TestBenchServerProcess is the child side of benchServer; in a normal
// test run (no RUNBOOK_BENCH_SERVER) it does nothing.
func TestBenchServerProcess(t *testing.T) {
	if os.Getenv("RUNBOOK_BENCH_SERVER") == "" {
		return
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("http://%s/health\n", ln.Addr())
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); os.Exit(0) }()
	_ = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
