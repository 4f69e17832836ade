package actioner_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/gctuning"
	"github.com/runbookhq/runbook/engine/worker"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/internal/loopback"
)

// redisCPU is the zone redis-server's CPU time, from /proc: the pipeline's
// Redis work is part of its cost, and it runs in another process.
func redisCPU(t testing.TB, rdb *redis.Client) time.Duration {
	info, err := rdb.Info(context.Background(), "server").Result()
	if err != nil {
		t.Fatal(err)
	}
	pid := ""
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "process_id:"); ok {
			pid = v
		}
	}
	raw, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the ")" of comm: utime and stime are the 12th and 13th.
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	const hz = 100 // USER_HZ on Linux
	return time.Duration(ut+st) * time.Second / hz
}

// BenchmarkOverhead compares, in one run, the CPU per check of the whole
// pipeline (control, brokers, worker with the http-status plugin, actioner,
// journal flush to bbolt, and the zone's redis-server) with a plain Go loop
// doing the same GETs at the same rate: "-same-gets" ratios against a loop
// that dials per GET as a check does, the others against a keep-alive loop. The HTTP target runs in a child
// process so neither side pays for it. It reports; it never asserts.
func BenchmarkOverhead(b *testing.B) {
	gctuning.Apply(gctuning.Settings{})       // as `runbook up` runs
	rate := envInt("RUNBOOK_BENCH_RATE", 200) // checks per second
	window := time.Duration(envInt("RUNBOOK_BENCH_WINDOW_S", 10)) * time.Second
	port, err := loopback.Port()
	if err != nil {
		b.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	startChildSpec(b, childSpec{Role: "target", Listen: addr})
	url := "http://" + addr + "/health"
	waitFor(b, 10*time.Second, "target up", func() bool {
		resp, err := http.Get(url)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return true
	})

	// Plain Go: a ticker at the same rate, one keep-alive client (the
	// cheapest GET there is); then the same loop dialling per GET, which
	// is the GET a check makes: the plugin host opens a fresh connection
	// for every check, by design (host/cap_http.go, httpKeepAlive).
	plain := plainLoop(b, &http.Client{Timeout: 5 * time.Second}, url, rate, window)
	plainFresh := plainLoop(b, &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}, url, rate, window)

	// RUNBOOK_BENCH_SKIP_WASM=1 leaves the wasm pipeline out, to profile
	// the engine alone.
	var wasm pipelineCost
	if os.Getenv("RUNBOOK_BENCH_SKIP_WASM") == "" {
		wasm = pipelineCPU(b, "ovh-wasm", nil, url, rate, window)
	}
	// The same pipeline with the check done natively in Go: the engine's
	// own overhead, apart from the sandbox's.
	// Its client keeps idle connections like the plugin host's (16 per
	// host): with the default 2, the checks of one tick opened a new TCP
	// connection each (~100 connects a second at 200/s), a cost the plain
	// loop, one check at a time on one connection, never pays.
	nclient := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	native := pipelineCPU(b, "ovh-native", nativeHTTP{client: nclient}, url, rate, window)
	// And natively with a fresh connection per check, as the plugin does.
	nativeFresh := pipelineCPU(b, "ovh-native-fresh", nativeHTTP{client: &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}}, url, rate, window)
	plainUS, freshUS := plain.cpuUS, plainFresh.cpuUS
	b.ReportMetric(float64(rate), "checks/s-offered")
	b.ReportMetric(plain.getsPerS, "plain-gets/s")
	b.ReportMetric(plainUS, "plain-cpu-us/check")
	b.ReportMetric(freshUS, "plain-fresh-cpu-us/check")
	b.ReportMetric((wasm.goUS+wasm.redisUS)/freshUS, "wasm-ratio-same-gets")
	b.ReportMetric((nativeFresh.goUS+nativeFresh.redisUS)/freshUS, "native-fresh-ratio-same-gets")
	b.ReportMetric(wasm.checksPerS, "wasm-pipeline-checks/s")
	b.ReportMetric(wasm.goUS, "wasm-pipeline-go-cpu-us/check")
	b.ReportMetric(wasm.redisUS, "wasm-pipeline-redis-cpu-us/check")
	b.ReportMetric((wasm.goUS+wasm.redisUS)/plainUS, "wasm-ratio")
	b.ReportMetric(native.goUS, "native-pipeline-go-cpu-us/check")
	b.ReportMetric(native.redisUS, "native-pipeline-redis-cpu-us/check")
	b.ReportMetric((native.goUS+native.redisUS)/plainUS, "native-ratio")
}

type pipelineCost struct{ checksPerS, goUS, redisUS float64 }

type plainCost struct{ getsPerS, cpuUS float64 }

// plainLoop GETs url at rate for window with client, one at a time, and
// measures the process' CPU per GET.
func plainLoop(b *testing.B, client *http.Client, url string, rate int, window time.Duration) plainCost {
	var u0, u1 runtimeUsage
	u0.read()
	start := time.Now()
	n := 0
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	for time.Since(start) < window {
		<-tick.C
		resp, err := client.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		n++
	}
	u1.read()
	return plainCost{getsPerS: float64(n) / time.Since(start).Seconds(), cpuUS: float64((u1.cpu - u0.cpu).Microseconds()) / float64(n)}
}

// pipelineCPU runs `rate` http-status monitors at a 1 s interval through a
// fresh zone (its own Redis) and measures CPU per check over window.
func pipelineCPU(b *testing.B, zoneName string, checker worker.Caller, url string, rate int, window time.Duration) pipelineCost {
	r := newRig(b, zoneName)
	cfg, _ := json.Marshal(map[string]any{"url": url})
	for i := 0; i < rate; i++ {
		r.put(engine.Monitor{ID: fmt.Sprintf("h%04d", i), Check: "http-status", Config: cfg, Interval: engine.Duration(time.Second)})
	}
	var stops []func()
	r.startBrokers()
	// Control ticks as a zone's default does (what `runbook up` runs):
	// the jobs of a tick travel together, so the tick sets how much is
	// shared. RUNBOOK_BENCH_TICK_MS=20 is what this benchmark used before
	// round 7 of docs/PERFORMANCE.md's Engine section.
	stops = append(stops, r.startControlTick(1000, time.Duration(envInt("RUNBOOK_BENCH_TICK_MS", 50))*time.Millisecond))
	if checker == nil {
		stops = append(stops, r.startWorker(32))
	} else {
		w := &worker.Worker{Zone: r.zone, Host: checker, Results: r.resultProducer(), Logger: r.log}
		stops = append(stops, goStop(b, func(ctx context.Context) { _ = w.Run(ctx, r.monitor.back, 32) }))
	}
	stops = append(stops, r.startActioner(32), r.startFlusher(500*time.Millisecond, 10000))
	defer func() {
		for _, stop := range stops {
			stop()
		}
	}()
	time.Sleep(3 * time.Second) // warm-up: pools filled, first events out of the way
	zone := map[string]string{"zone": zoneName}
	healthyL := map[string]string{"zone": zoneName, "status": "healthy"}
	var u0, u1 runtimeUsage
	s0 := metricSnap(b)
	u0.read()
	rc0 := redisCPU(b, r.rdb)
	z0 := zmqThreadsCPU()
	cs0, _ := r.rdb.Info(context.Background(), "commandstats").Result()
	start := time.Now()
	time.Sleep(window)
	u1.read()
	rc1 := redisCPU(b, r.rdb)
	z1 := zmqThreadsCPU()
	cs1, _ := r.rdb.Info(context.Background(), "commandstats").Result()
	s1 := metricSnap(b)
	el := time.Since(start)
	checks := counterSum(s1, "runbook_worker_jobs_total", zone) - counterSum(s0, "runbook_worker_jobs_total", zone)
	healthy := counterSum(s1, "runbook_worker_jobs_total", healthyL) - counterSum(s0, "runbook_worker_jobs_total", healthyL)
	if checks == 0 || healthy < checks*0.99 {
		b.Fatalf("%s: %v checks, %v healthy: the comparison would be meaningless", zoneName, checks, healthy)
	}
	b.Logf("%s: of the Go process' CPU per check, libzmq's I/O threads %.0f µs", zoneName, float64((z1-z0).Microseconds())/checks)
	batches := histOf(s1, "runbook_actioner_step_one_batch", zone).total - histOf(s0, "runbook_actioner_step_one_batch", zone).total
	b.Logf("%s: per check: %.1f context switches, %.2f Redis commands (scripts' own included), %.2f EVALSHA; %.2f step-one batches",
		zoneName, float64(u1.csw-u0.csw)/checks, float64(redisCalls(cs1)-redisCalls(cs0))/checks,
		float64(redisCalls(cmdOnly(cs1, "evalsha"))-redisCalls(cmdOnly(cs0, "evalsha")))/checks, batches/checks)
	if cs, err := r.rdb.Info(context.Background(), "commandstats").Result(); err == nil {
		for _, line := range strings.Split(cs, "\r\n") {
			if strings.HasPrefix(line, "cmdstat_") {
				b.Logf("%s: redis %s", zoneName, line)
			}
		}
	}
	return pipelineCost{
		checksPerS: checks / el.Seconds(),
		goUS:       float64((u1.cpu - u0.cpu).Microseconds()) / checks,
		redisUS:    float64((rc1 - rc0).Microseconds()) / checks,
	}
}

// nativeHTTP is the http-status check in plain Go, behind the worker's
// Caller interface.
type nativeHTTP struct{ client *http.Client }

func (n nativeHTTP) Call(ctx context.Context, c host.Call) (abi.Output, host.CallInfo, error) {
	var cfg struct{ URL string }
	_ = json.Unmarshal(c.Input.Config, &cfg)
	info := host.CallInfo{Plugin: c.Plugin, Digest: "native"}
	req, _ := http.NewRequestWithContext(ctx, "GET", cfg.URL, nil)
	resp, err := n.client.Do(req)
	if err != nil {
		return abi.Output{Status: "failed", Message: err.Error()}, info, nil
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return abi.Output{Status: "failed", Message: resp.Status}, info, nil
	}
	return abi.Output{Status: "healthy"}, info, nil
}
