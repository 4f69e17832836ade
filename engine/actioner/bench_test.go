package actioner_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/control"
	"github.com/runbookhq/runbook/engine/gctuning"
	"github.com/runbookhq/runbook/engine/worker"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
)

// envInt reads a benchmark knob, so a smaller run can be tried by hand.
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// redisMemory is INFO memory's used_memory.
func redisMemory(t testing.TB, rdb *redis.Client) int64 {
	info, err := rdb.Info(context.Background(), "memory").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	t.Fatal("no used_memory in INFO")
	return 0
}

// metricSnap gathers the default registry into name → metric family.
func metricSnap(t testing.TB) map[string]*dto.MetricFamily {
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*dto.MetricFamily{}
	for _, mf := range mfs {
		out[mf.GetName()] = mf
	}
	return out
}

func labelled(m *dto.Metric, want map[string]string) bool {
	n := 0
	for _, lp := range m.GetLabel() {
		if v, ok := want[lp.GetName()]; ok && v == lp.GetValue() {
			n++
		}
	}
	return n == len(want)
}

func counterSum(s map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	var v float64
	for _, m := range s[name].GetMetric() {
		if labelled(m, want) {
			v += m.GetCounter().GetValue()
		}
	}
	return v
}

// hist is a histogram's cumulative buckets.
type hist struct {
	bounds []float64
	counts []float64
	total  float64
}

func histOf(s map[string]*dto.MetricFamily, name string, want map[string]string) hist {
	var h hist
	for _, m := range s[name].GetMetric() {
		if !labelled(m, want) {
			continue
		}
		for _, b := range m.GetHistogram().GetBucket() {
			h.bounds = append(h.bounds, b.GetUpperBound())
			h.counts = append(h.counts, float64(b.GetCumulativeCount()))
		}
		h.total = float64(m.GetHistogram().GetSampleCount())
	}
	return h
}

// sub is the histogram of what was observed between two snapshots.
func (h hist) sub(o hist) hist {
	out := hist{bounds: h.bounds, counts: make([]float64, len(h.counts)), total: h.total - o.total}
	for i := range h.counts {
		out.counts[i] = h.counts[i]
		if i < len(o.counts) {
			out.counts[i] -= o.counts[i]
		}
	}
	return out
}

// quantile interpolates linearly inside the bucket holding q, like
// Prometheus' histogram_quantile.
func (h hist) quantile(q float64) float64 {
	if h.total == 0 {
		return 0
	}
	rank := q * h.total
	prevB, prevC := 0.0, 0.0
	for i, c := range h.counts {
		if c >= rank {
			if c == prevC {
				return h.bounds[i]
			}
			return prevB + (h.bounds[i]-prevB)*(rank-prevC)/(c-prevC)
		}
		prevB, prevC = h.bounds[i], c
	}
	return h.bounds[len(h.bounds)-1]
}

// loadMonitors writes n monitors of the fixed check straight into the
// zone Redis (as the bridge would, pipelined) and schedules them.
func (r *rig) loadMonitors(t testing.TB, n int, iv time.Duration, withReaction int, reaction string) {
	ctx := context.Background()
	now := time.Now()
	const chunk = 5000
	for start := 0; start < n; start += chunk {
		_, err := r.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i := start; i < start+chunk && i < n; i++ {
				m := engine.Monitor{ID: fmt.Sprintf("m%06d", i), Name: "bench", Kind: engine.KindScheduled, Check: "fixed",
					Config: json.RawMessage(`{"status":"healthy"}`), Interval: engine.Duration(iv), Zones: []string{r.zone}}
				if i < withReaction {
					m.Reactions = []string{reaction}
				}
				m.Normalize()
				raw, _ := json.Marshal(m)
				p.Set(ctx, r.keys.Monitor(m.ID), raw, 0)
				p.HSet(ctx, r.keys.Intervals(), m.ID, iv.Milliseconds())
				p.ZAdd(ctx, r.keys.Schedule(), redis.Z{Score: float64(control.FirstDue(m.ID, iv, now).UnixMilli()), Member: m.ID})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// failMonitors flips the first n monitors' check to failed.
func (r *rig) failMonitors(t testing.TB, n int, iv time.Duration, reaction string) {
	ctx := context.Background()
	_, err := r.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i := 0; i < n; i++ {
			m := engine.Monitor{ID: fmt.Sprintf("m%06d", i), Name: "bench", Kind: engine.KindScheduled, Check: "fixed",
				Config: json.RawMessage(`{"status":"failed"}`), Interval: engine.Duration(iv), Zones: []string{r.zone}, Reactions: []string{reaction}}
			m.Normalize()
			raw, _ := json.Marshal(m)
			p.Set(ctx, r.keys.Monitor(m.ID), raw, 0)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkCapacity runs one zone with 100,000 monitors of the trivial
// check at a 10 s interval (10,000 runs/s offered) for a bounded time, and
// reports what the whole pipeline sustained: runs claimed, checked,
// decided (counters applied, history journaled) and history persisted to
// the store, schedule lateness, failure-to-reaction latency and Redis
// memory per monitor. It never asserts timing. b.N is ignored: the work
// is fixed (one warm-up interval, then a measured window).
func BenchmarkCapacity(b *testing.B) {
	b.Run("wasm", func(b *testing.B) { capacity(b, nil) })
	// The same run with the check answered natively in Go instead of by
	// the wasm plugin: what the engine itself can carry on this machine.
	b.Run("native-check", func(b *testing.B) { capacity(b, nativeFixed{}) })
}

// nativeFixed answers the fixed check's config without wasm.
type nativeFixed struct{}

func (nativeFixed) Call(_ context.Context, c host.Call) (abi.Output, host.CallInfo, error) {
	var cfg struct{ Status string }
	_ = json.Unmarshal(c.Input.Config, &cfg)
	if cfg.Status == "" {
		cfg.Status = "healthy"
	}
	return abi.Output{Status: cfg.Status}, host.CallInfo{Plugin: c.Plugin, Digest: "native"}, nil
}

func capacity(b *testing.B, checker worker.Caller) {
	// The collector settings `runbook up` runs with (GOGC=100 in the
	// environment measures Go's default instead).
	b.Logf("gc: %v", gctuning.Apply(gctuning.Settings{}).LogValue())
	monitors := envInt("RUNBOOK_BENCH_MONITORS", 100_000)
	iv := time.Duration(envInt("RUNBOOK_BENCH_INTERVAL_S", 10)) * time.Second
	window := time.Duration(envInt("RUNBOOK_BENCH_WINDOW_S", 20)) * time.Second
	const failing = 1000 // monitors whose check turns failed: each fires a reaction
	r := newRig(b, "bench")
	ctx := context.Background()
	mem0 := redisMemory(b, r.rdb)
	rc := newReceiver(b)
	r.putReaction(webhook("page", rc.URL+"/page", 1, 0, engine.CallOnFailed, true))
	r.loadMonitors(b, monitors, iv, failing, "page")
	mem1 := redisMemory(b, r.rdb)

	r.startBrokers()
	r.startControl(1000)
	if checker == nil {
		checker = r.host
	}
	// RUNBOOK_BENCH_NOHOLD=1: the worker reports its job done once the
	// result is sent (hides SendAndWait), to measure what holding jobs
	// until their results are committed costs.
	var results worker.Sender = r.resultProducer()
	if os.Getenv("RUNBOOK_BENCH_NOHOLD") != "" {
		results = struct{ worker.Sender }{results}
	}
	w := &worker.Worker{Zone: r.zone, Host: checker, Results: results, Logger: r.log}
	goStop(b, func(ctx context.Context) { _ = w.Run(ctx, r.monitor.back, envInt("RUNBOOK_BENCH_WORKER_CONC", 64)) })
	r.startActioner(envInt("RUNBOOK_BENCH_ACTIONER_CONC", 128))
	r.startFlusher(time.Duration(envInt("RUNBOOK_BENCH_FLUSH_MS", 500))*time.Millisecond, envInt("RUNBOOK_BENCH_FLUSH_BATCH", 10000))

	// Warm-up: one whole interval, so every monitor ran once (its
	// pending→healthy event is out of the way) and pools are full.
	time.Sleep(iv + 2*time.Second)
	// Every monitor's first result was an event (pending→healthy): let the
	// flusher catch up with those (bounded), so the window measures the
	// steady state rather than the warm-up's backlog.
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if n, err := r.rdb.LLen(ctx, r.keys.BehindEvents()).Result(); err != nil || n == 0 {
			break
		}
	}
	mem2 := redisMemory(b, r.rdb)
	zone := map[string]string{"zone": "bench"}
	s0 := metricSnap(b)
	var ru0, ru1 runtimeUsage
	var gc0, gc1 gcUsage
	ru0.read()
	gc0.read()
	rc0 := redisCPU(b, r.rdb)
	cs0 := cmdStats(b, r.rdb)
	// RUNBOOK_BENCH_CPUPROFILE=file: a CPU profile of the measured window
	// only (-cpuprofile would mostly show the warm-up's backlog).
	if f := os.Getenv("RUNBOOK_BENCH_CPUPROFILE"); f != "" {
		out, err := os.Create(f)
		if err != nil {
			b.Fatal(err)
		}
		if err := pprof.StartCPUProfile(out); err != nil {
			b.Fatal(err)
		}
		defer out.Close()
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	r.failMonitors(b, failing, iv, "page")
	time.Sleep(window)
	s1 := metricSnap(b)
	ru1.read()
	gc1.read()
	rc1 := redisCPU(b, r.rdb)
	cs1 := cmdStats(b, r.rdb)
	el := time.Since(start).Seconds()

	claimed := counterSum(s1, "runbook_control_claimed_total", zone) - counterSum(s0, "runbook_control_claimed_total", zone)
	checked := counterSum(s1, "runbook_worker_jobs_total", zone) - counterSum(s0, "runbook_worker_jobs_total", zone)
	decided := counterSum(s1, "runbook_actioner_results_total", zone) - counterSum(s0, "runbook_actioner_results_total", zone)
	flushed := counterSum(s1, "runbook_journal_flushed_total", zone) - counterSum(s0, "runbook_journal_flushed_total", zone)
	late := histOf(s1, "runbook_control_lateness_seconds", zone).sub(histOf(s0, "runbook_control_lateness_seconds", zone))
	react := histOf(s1, "runbook_actioner_result_to_reaction_seconds", zone).sub(histOf(s0, "runbook_actioner_result_to_reaction_seconds", zone))
	check := histOf(s1, "runbook_worker_check_seconds", zone).sub(histOf(s0, "runbook_worker_check_seconds", zone))
	handle := histOf(s1, "runbook_actioner_handle_seconds", zone).sub(histOf(s0, "runbook_actioner_handle_seconds", zone))
	round := histOf(s1, "runbook_control_round_seconds", zone).sub(histOf(s0, "runbook_control_round_seconds", zone))
	decide := histOf(s1, "runbook_actioner_result_to_decided_seconds", zone).sub(histOf(s0, "runbook_actioner_result_to_decided_seconds", zone))
	b.Logf("check p50 %.2fms p99 %.2fms; actioner handle p50 %.2fms p99 %.2fms; control round p50 %.2fms p99 %.2fms; finished->decided p50 %.2fms p99 %.2fms",
		check.quantile(.5)*1000, check.quantile(.99)*1000, handle.quantile(.5)*1000, handle.quantile(.99)*1000, round.quantile(.5)*1000, round.quantile(.99)*1000,
		decide.quantile(.5)*1000, decide.quantile(.99)*1000)
	backlog, _ := r.rdb.LLen(ctx, r.keys.BehindHistory()).Result()

	b.ReportMetric(float64(monitors), "monitors")
	b.ReportMetric(claimed/el, "claimed/s")
	b.ReportMetric(checked/el, "checked/s")
	b.ReportMetric(decided/el, "results/s")
	b.ReportMetric(flushed/el, "persisted/s")
	b.ReportMetric(float64(backlog), "journal-backlog")
	b.ReportMetric(late.quantile(0.5)*1000, "lateness-p50-ms")
	b.ReportMetric(late.quantile(0.99)*1000, "lateness-p99-ms")
	b.ReportMetric(react.quantile(0.5)*1000, "fail-to-react-p50-ms")
	b.ReportMetric(react.quantile(0.99)*1000, "fail-to-react-p99-ms")
	b.ReportMetric(react.total, "reactions")
	b.ReportMetric(decide.quantile(0.5)*1000, "fin-to-decided-p50-ms")
	b.ReportMetric(decide.quantile(0.99)*1000, "fin-to-decided-p99-ms")
	b.ReportMetric(float64(mem1-mem0)/float64(monitors), "redis-B/monitor-config")
	b.ReportMetric(float64(mem2-mem0)/float64(monitors), "redis-B/monitor-running")
	b.ReportMetric((ru1.cpu-ru0.cpu).Seconds()/el, "cpu-cores-go")
	b.ReportMetric((rc1-rc0).Seconds()/el, "cpu-cores-redis")
	if decided > 0 {
		b.ReportMetric(float64((ru1.cpu-ru0.cpu+rc1-rc0).Microseconds())/decided, "cpu-us/result")
		b.ReportMetric(float64((rc1-rc0).Microseconds())/decided, "redis-cpu-us/result")
	}
	reportCmdStats(b, cs0, cs1, decided)
	gc1.report(b, gc0, decided)
	b.Logf("monitors=%d interval=%s window=%.1fs claimed=%.0f checked=%.0f decided=%.0f flushed=%.0f backlog=%d reactions=%.0f goroutines=%d",
		monitors, iv, el, claimed, checked, decided, flushed, backlog, react.total, runtime.NumGoroutine())
}
