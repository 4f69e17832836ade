package rollout_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tetratelabs/wazero"

	"github.com/runbookhq/runbook/bridge"
	"github.com/runbookhq/runbook/engine/rollout"
	"github.com/runbookhq/runbook/engine/store/bolt"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/host/lock"
	"github.com/runbookhq/runbook/host/pluginsync"
	"github.com/runbookhq/runbook/zones/localredis/redistest"
)

// Benchmarks for docs/PERFORMANCE.md ("## Hot loading"):
//
//	go test -run='^$' -bench=HotLoad -benchtime=3x ./engine/rollout/

// cpuTime is the CPU (user + system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkHotLoadSwitch times one two-phase push: rollout.Push inspects
// (compiles) the module, stages it in the zone Redis, the zone's syncer
// fetches, verifies and compiles it beside v1 and reports ready (prepare),
// then Push flips the store's lock record, the bridge announces it and the
// syncer promotes the prepared module (the switch). Each op is a new zone
// whose process starts with a compilation cache of its own (v1 compiled
// there beforehand, untimed); a check runs every millisecond throughout.
//
//	cold: the pusher compiles into its own cache (another machine, or a
//	      CLI without -wasm-cache): the zone's process compiles again,
//	      during prepare.
//	warm: the pusher compiles into the cache the process uses.
//
// inspect-ms is the pusher's own compile; prepare-ms staging → the node
// ready; switch-ms is from the promotion to the first check finishing on
// the new digest (the "within 1 s"); confirmed-ms from the
// promotion to Push seeing the node report it serves the new digest;
// cpu-ms/op the process' CPU over the whole push.
func BenchmarkHotLoadSwitch(b *testing.B) {
	for _, mode := range []string{"cold", "warm"} {
		b.Run(mode, func(b *testing.B) { benchSwitch(b, mode == "warm") })
	}
}

func benchSwitch(b *testing.B, warm bool) {
	ctx := context.Background()
	rdb := redistest.Client(b, redistest.Start(b))
	st, err := bolt.Open(filepath.Join(b.TempDir(), "runbook.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	v1 := module(b, hosttest.Wasm(b, "http-status")[0])
	v2 := module(b, hosttest.Variant(b, "http-status", "0.2.0-hotload"))
	v2digest := lock.Digest(v2)
	in := abi.Input{Config: []byte(fmt.Sprintf(`{"url":%q}`, srv.URL)), Context: abi.CallContext{MonitorID: "m"}}

	var inspectMS, prepareMS, switchMS, confirmMS float64
	var cpu time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		zone := fmt.Sprintf("bench%d", i)
		cache := wazero.NewCompilationCache()
		h := hosttest.NewWithConfig(b, host.Config{Entries: hosttest.Entries(b, "http-status"), Cache: cache, Logger: quiet})
		rdbs := map[string]redis.UniversalClient{zone: rdb}
		if _, err := rollout.Push(ctx, st, v1, rollout.PushOptions{Zones: []string{zone}, Cache: hosttest.Cache(), Redis: rdbs}); err != nil {
			b.Fatal(err)
		}
		runCtx, stop := context.WithCancel(ctx)
		var bg sync.WaitGroup
		bg.Add(2)
		go func() {
			defer bg.Done()
			_ = (&bridge.Bridge{Zone: zone, Store: st, Redis: rdb, Logger: quiet, RetainEvery: -1}).Run(runCtx)
		}()
		go func() {
			defer bg.Done()
			_ = pluginsync.Run(runCtx, pluginsync.Options{Zone: zone, Redis: rdb, Host: h, Logger: quiet})
		}()
		time.Sleep(300 * time.Millisecond) // subscribed, v1 applied
		pusherCache := wazero.NewCompilationCache()
		if warm {
			pusherCache = cache
		}
		b.StartTimer()

		cpu0, t0 := cpuTime(), time.Now()
		// Checks run through the push, as they would in production: the
		// switch is the first one on the new digest after promotion.
		var served, servedStart time.Time
		checks := make(chan error, 1)
		go func() {
			for deadline := t0.Add(120 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
				start := time.Now()
				_, info, err := h.Call(ctx, host.Call{Plugin: "http-status", Kind: abi.KindCheck, Input: in})
				if err != nil {
					checks <- fmt.Errorf("check failed during the push: %w", err)
					return
				}
				if info.Digest == v2digest {
					served, servedStart = time.Now(), start
					checks <- nil
					return
				}
			}
			checks <- fmt.Errorf("new digest never served")
		}()
		rep, err := rollout.Push(ctx, st, v2, rollout.PushOptions{Zones: []string{zone}, Cache: pusherCache, Redis: rdbs})
		if err != nil {
			b.Fatal(err)
		}
		if err := <-checks; err != nil {
			b.Fatal(err)
		}
		if servedStart.Before(rep.PromotedAt) {
			b.Fatalf("a check started %s before the promotion ran the new digest", rep.PromotedAt.Sub(servedStart))
		}
		cpu += cpuTime() - cpu0
		inspectMS += float64(rep.Inspect.Milliseconds())
		prepareMS += float64(rep.Prepare.Milliseconds())
		switchMS += float64(served.Sub(rep.PromotedAt).Milliseconds())
		confirmMS += float64(rep.Switch.Milliseconds())

		b.StopTimer()
		stop()
		bg.Wait()
		if !warm {
			pusherCache.Close(ctx)
		}
		b.StartTimer()
	}
	b.ReportMetric(inspectMS/float64(b.N), "inspect-ms")
	b.ReportMetric(prepareMS/float64(b.N), "prepare-ms")
	b.ReportMetric(switchMS/float64(b.N), "switch-ms")
	b.ReportMetric(confirmMS/float64(b.N), "confirmed-ms")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
}

// BenchmarkHotLoadUnderLoad runs TestHotLoadUnderLoad's scenario (checks
// asked at 1,000/s across two zones; two-phase push to z1, then z2, roll
// back both, a module corrupt in z1's Redis refused at prepare, a corrupt
// module announced without prepare) and reports what it got: checks/s
// achieved, the slowest and the mean of the four switches (promotion, or
// Rollback returning → the last check that started on the old digest),
// the mean prepare phase of the two pushes, and failed checks (must be 0;
// the scenario fails on any). warm: the zones' hosts share the pusher's
// compilation cache; cold: each compiles the module itself during
// prepare while the old version serves.
func BenchmarkHotLoadUnderLoad(b *testing.B) {
	for _, mode := range []string{"warm", "cold"} {
		b.Run(mode, func(b *testing.B) {
			var checks, rate, maxSwitch, sumSwitch, failed, sumPrepare float64
			var switches, prepares int
			var cpu time.Duration
			for i := 0; i < b.N; i++ {
				cpu0 := cpuTime()
				f := hotLoadUnderLoad(b, 30*time.Second, mode == "cold")
				cpu += cpuTime() - cpu0
				checks += float64(f.total)
				rate += f.rate
				failed += float64(f.failed)
				for _, p := range f.prepares {
					sumPrepare += float64(p.Milliseconds())
					prepares++
				}
				for _, s := range f.switches {
					maxSwitch = max(maxSwitch, float64(s.Milliseconds()))
					sumSwitch += float64(s.Milliseconds())
					switches++
				}
			}
			b.ReportMetric(rate/float64(b.N), "checks/s")
			b.ReportMetric(maxSwitch, "max-switch-ms")
			b.ReportMetric(sumSwitch/float64(switches), "mean-switch-ms")
			b.ReportMetric(sumPrepare/float64(max(prepares, 1)), "mean-prepare-ms")
			b.ReportMetric(failed, "failed")
			// Includes loading the hosts (cold: compiling v1 twice).
			b.ReportMetric(float64(cpu.Microseconds())/checks, "cpu-us/check")
		})
	}
}
