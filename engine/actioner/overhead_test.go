package actioner_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine"
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
// doing the same GETs at the same rate. The HTTP target runs in a child
// process so neither side pays for it. It reports; it never asserts.
func BenchmarkOverhead(b *testing.B) {
	rate := envInt("RUNBOOK_BENCH_RATE", 200) // checks per second
	window := time.Duration(envInt("RUNBOOK_BENCH_WINDOW_S", 10)) * time.Second
	r := newRig(b, "ovh")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
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

	// Plain Go: a ticker at the same rate, one keep-alive client.
	client := &http.Client{Timeout: 5 * time.Second}
	var u0, u1 runtimeUsage
	u0.read()
	start := time.Now()
	n := 0
	tick := time.NewTicker(time.Second / time.Duration(rate))
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
	tick.Stop()
	u1.read()
	plainEl := time.Since(start)
	plainPer := (u1.cpu - u0.cpu) / time.Duration(n)

	// The pipeline: `rate` monitors at a 1 s interval.
	cfg, _ := json.Marshal(map[string]any{"url": url})
	for i := 0; i < rate; i++ {
		r.put(engine.Monitor{ID: fmt.Sprintf("h%04d", i), Check: "http-status", Config: cfg, Interval: engine.Duration(time.Second)})
	}
	r.startBrokers()
	r.startControl(1000)
	r.startWorker(32)
	r.startActioner(32)
	r.startFlusher(100*time.Millisecond, 5000)
	time.Sleep(3 * time.Second) // warm-up: pools filled, first events out of the way
	zone := map[string]string{"zone": "ovh"}
	s0 := metricSnap(b)
	u0.read()
	rc0 := redisCPU(b, r.rdb)
	start = time.Now()
	time.Sleep(window)
	u1.read()
	rc1 := redisCPU(b, r.rdb)
	s1 := metricSnap(b)
	pipeEl := time.Since(start)
	checks := counterSum(s1, "runbook_worker_jobs_total", zone) - counterSum(s0, "runbook_worker_jobs_total", zone)
	healthy := counterSum(s1, "runbook_worker_jobs_total", map[string]string{"zone": "ovh", "status": "healthy"}) -
		counterSum(s0, "runbook_worker_jobs_total", map[string]string{"zone": "ovh", "status": "healthy"})
	if checks == 0 || healthy < checks*0.99 {
		b.Fatalf("pipeline ran %v checks, %v healthy: the comparison would be meaningless", checks, healthy)
	}
	goPer := (u1.cpu - u0.cpu) / time.Duration(checks)
	redisPer := (rc1 - rc0) / time.Duration(checks)
	pipePer := goPer + redisPer
	b.ReportMetric(float64(rate), "checks/s-offered")
	b.ReportMetric(float64(n)/plainEl.Seconds(), "plain-gets/s")
	b.ReportMetric(checks/pipeEl.Seconds(), "pipeline-checks/s")
	b.ReportMetric(float64(plainPer.Microseconds()), "plain-cpu-us/check")
	b.ReportMetric(float64(goPer.Microseconds()), "pipeline-go-cpu-us/check")
	b.ReportMetric(float64(redisPer.Microseconds()), "pipeline-redis-cpu-us/check")
	b.ReportMetric(float64(pipePer)/float64(plainPer), "ratio")
}
