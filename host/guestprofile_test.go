package host_test

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// TestGuestProfile attributes the guest CPU of the http-status check to Go
// functions of the guest (the module's name section), for
// docs/PERFORMANCE.md: a tool, run briefly in CI (so it keeps working)
// and for real with RUNBOOK_GUEST_PROFILE=N (N checks); it prints a table.
//
//	RUNBOOK_GUEST_PROFILE=5000 go test -run=TestGuestProfile -v ./host/
//
// How: instrumented code calls runbook.host_call with name_len 0 every
// 4,096 function entries or loop iterations (the deadline tick); here
// every 64. A wazero
// function listener on the host functions (none on guest code, which
// stays compiled as usual) sees every tick together with the guest stack.
// The calling thread's CPU time since the previous tick, minus the time spent inside host
// functions meanwhile, is guest time; it is charged to the stack's leaf
// (self) and to each distinct function on it (inclusive). Go's wasm port
// unwinds the wasm stack when a goroutine parks, so inclusive figures
// cover the frames since the goroutine last resumed; self is exact up to
// the 64-step granularity. Guest time after a call's last tick is the
// "(tail)" row. Host functions get call counts and time per check.
func TestGuestProfile(t *testing.T) {
	// A short run by default, so the tool is checked on every CI run; set
	// RUNBOOK_GUEST_PROFILE=N for figures worth publishing.
	n := 100
	if v := os.Getenv("RUNBOOK_GUEST_PROFILE"); v != "" {
		fmt.Sscan(v, &n)
	}
	url := benchServer(t)
	// The listener reads this thread's CPU clock: keep the calling
	// goroutine (which runs the guest and the host functions) on it.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	// Calibrate at the production interval (few ticks: little listener
	// overhead), then sample every 64 steps and take the difference per
	// extra tick as the overhead of one sample, subtracted from each.
	base := profileChecks(t, url, n, 4096)
	every := int32(64)
	if v := os.Getenv("RUNBOOK_GUEST_TICK"); v != "" {
		fmt.Sscan(v, &every)
	}
	prof := profileChecks(t, url, n, every)
	g1, t1 := us(base.guest)/float64(n), float64(base.ticks)/float64(n)
	g2, t2 := us(prof.guest)/float64(n), float64(prof.ticks)/float64(n)
	perTick := (g2 - g1) / (t2 - t1)
	t.Logf("guest: %.1f µs/check at 4,096 steps per tick (%.1f ticks); %.1f µs at 64 (%.1f ticks): %.2f µs overhead per sample",
		g1, t1, g2, t2, perTick)
	prof.report(t, n, time.Duration(perTick*1e3), base.guest)
	if prof.ticks == 0 || prof.guest <= 0 || len(prof.self) == 0 {
		t.Fatalf("profile is empty: %d ticks, guest %s, %d functions", prof.ticks, prof.guest, len(prof.self))
	}
}

// profileChecks runs n http-status checks on a new host whose module ticks
// every interval steps and returns the profile.
func profileChecks(t *testing.T, url string, n int, interval int32) *guestProfiler {
	defer host.SetTickIntervalForTest(interval)()
	prof := newGuestProfiler()
	ctx := experimental.WithFunctionListenerFactory(context.Background(), prof)
	h, err := host.New(ctx, host.Config{Entries: hosttest.Entries(t, "http-status"), PoolSize: 1, Logger: discard()})
	if err != nil || h.Plugins()[0].Err != nil {
		t.Fatal(err, h.Plugins()[0].Err)
	}
	defer h.Close(context.Background())
	// As BenchmarkHTTPCheck: a worker's input, rotating over monitors.
	configs := make([][]byte, benchMonitors)
	for i := range configs {
		configs[i] = fmt.Appendf(nil, `{"url":"%s/health/m%d"}`, url, i)
	}
	i := 0
	run := func() {
		m := i % benchMonitors
		i++
		out, _, err := h.Call(context.Background(), host.Call{Plugin: "http-status", Input: abi.Input{
			Config: configs[m], Context: abi.CallContext{MonitorID: fmt.Sprint("m", m), Zone: "local", ScheduledAt: time.Now().UTC()}}})
		if err != nil || out.Status != abi.StatusHealthy {
			t.Fatal(out, err)
		}
	}
	for range 200 { // warm: pool, config cache, guest heap
		run()
	}
	mem0 := host.InstanceMemoryForBench(h, "http-status")
	defer func() {
		t.Logf("tick every %d: instance linear memory %.2f MiB after 200 warm-up checks, %.2f MiB after %d more",
			interval, float64(mem0)/(1<<20), float64(host.InstanceMemoryForBench(h, "http-status"))/(1<<20), n)
	}()
	prof.reset()
	start, cpu0, th0 := time.Now(), cpuTime(), threadCPU()
	for range n {
		run()
	}
	wall, cpu, th := time.Since(start), cpuTime()-cpu0, threadCPU()-th0
	t.Logf("tick every %d: %d checks: wall %.1f µs/check, process CPU %.1f µs/check, calling thread CPU %.1f µs/check (listener overhead included)",
		interval, n, us(wall)/float64(n), us(cpu)/float64(n), us(th)/float64(n))
	return prof
}

type guestProfiler struct {
	mu        sync.Mutex
	inCall    bool
	lastTick  time.Duration
	hostSince time.Duration   // host-function time since lastTick
	starts    []time.Duration // open host-function calls
	isTick    []bool
	ticks     int
	guest     time.Duration
	self      map[string]time.Duration
	incl      map[string]time.Duration
	selfN     map[string]int // samples, to subtract the overhead of each
	inclN     map[string]int
	hostN     map[string]int
	hostD     map[string]time.Duration
}

func newGuestProfiler() *guestProfiler { p := &guestProfiler{}; p.reset(); return p }

func (p *guestProfiler) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ticks, p.guest = 0, 0
	p.self, p.incl = map[string]time.Duration{}, map[string]time.Duration{}
	p.selfN, p.inclN = map[string]int{}, map[string]int{}
	p.hostN, p.hostD = map[string]int{}, map[string]time.Duration{}
}

// NewFunctionListener listens to host functions, and to the guest's
// exports that start a call (so the first tick does not charge the host's
// time between calls); other guest functions get none and run as usual.
func (p *guestProfiler) NewFunctionListener(def api.FunctionDefinition) experimental.FunctionListener {
	if def.GoFunction() != nil {
		return hostListener{p}
	}
	if w := os.Getenv("RUNBOOK_GUEST_TIME"); w != "" && strings.Contains(def.Name(), w) {
		return &timedListener{p: p}
	}
	for _, e := range def.ExportNames() {
		if e == abi.ExportCall || e == abi.ExportCallBinary || e == abi.ExportAlloc {
			return exportListener{p}
		}
	}
	return nil
}

type exportListener struct{ p *guestProfiler }

func (l exportListener) Before(context.Context, api.Module, api.FunctionDefinition, []uint64, experimental.StackIterator) {
	p := l.p
	p.mu.Lock()
	p.inCall, p.lastTick, p.hostSince = true, threadCPU(), 0
	p.mu.Unlock()
}

func (l exportListener) After(_ context.Context, _ api.Module, def api.FunctionDefinition, _ []uint64) {
	p := l.p
	p.mu.Lock()
	d := threadCPU() - p.lastTick - p.hostSince
	p.guest += d
	p.self["(tail: after the last tick of "+def.Name()+")"] += d
	p.inCall = false
	p.mu.Unlock()
}

func (l exportListener) Abort(context.Context, api.Module, api.FunctionDefinition, error) {}

// timedListener measures the inclusive CPU of chosen guest functions
// directly (RUNBOOK_GUEST_TIME=substring), a check on the sampled figures.
type timedListener struct {
	p      *guestProfiler
	starts []time.Duration
}

func (l *timedListener) Before(context.Context, api.Module, api.FunctionDefinition, []uint64, experimental.StackIterator) {
	l.starts = append(l.starts, threadCPU())
}

func (l *timedListener) After(_ context.Context, _ api.Module, def api.FunctionDefinition, _ []uint64) {
	d := threadCPU() - l.starts[len(l.starts)-1]
	l.starts = l.starts[:len(l.starts)-1]
	l.p.mu.Lock()
	l.p.hostN["timed "+def.Name()]++
	l.p.hostD["timed "+def.Name()] += d
	l.p.mu.Unlock()
}

func (l *timedListener) Abort(context.Context, api.Module, api.FunctionDefinition, error) {
	l.starts = l.starts[:len(l.starts)-1]
}

type hostListener struct{ p *guestProfiler }

func (l hostListener) Before(_ context.Context, _ api.Module, def api.FunctionDefinition, params []uint64, si experimental.StackIterator) {
	p := l.p
	now := threadCPU()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.inCall && def.Name() == abi.ImportHostCall && uint32(params[1]) == 0 {
		d := now - p.lastTick - p.hostSince
		p.ticks++
		p.guest += d
		seen := map[string]bool{}
		leaf := true
		for si.Next() {
			fd := si.Function().Definition()
			if fd.GoFunction() != nil {
				continue // the tick itself
			}
			name := fd.Name()
			if leaf {
				p.self[name] += d
				p.selfN[name]++
				leaf = false
			}
			if !seen[name] {
				seen[name] = true
				p.incl[name] += d
				p.inclN[name]++
			}
		}
		p.hostSince = 0
		p.lastTick = now
	}
	p.isTick = append(p.isTick, def.Name() == abi.ImportHostCall && uint32(params[1]) == 0)
	p.starts = append(p.starts, threadCPU()) // stack walking is not guest time
}

func (l hostListener) After(_ context.Context, _ api.Module, def api.FunctionDefinition, _ []uint64) {
	l.end(def)
}

func (l hostListener) Abort(_ context.Context, _ api.Module, def api.FunctionDefinition, _ error) {
	l.end(def)
}

func (l hostListener) end(def api.FunctionDefinition) {
	p := l.p
	now := threadCPU()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.starts) == 0 {
		return
	}
	start, tick := p.starts[len(p.starts)-1], p.isTick[len(p.isTick)-1]
	p.starts, p.isTick = p.starts[:len(p.starts)-1], p.isTick[:len(p.isTick)-1]
	d := now - start
	p.hostSince += d
	if p.inCall {
		name := def.DebugName()
		if tick {
			name += " (tick)"
		}
		p.hostN[name]++
		p.hostD[name] += d
	}
}

func (p *guestProfiler) report(t *testing.T, n int, perTick, guest time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "guest time %.1f µs/check (at the production tick interval); shares below from %.1f samples/check less %.2f µs each\n",
		us(guest)/float64(n), float64(p.ticks)/float64(n), us(perTick))
	corrected := func(m map[string]time.Duration, counts map[string]int) map[string]time.Duration {
		out := map[string]time.Duration{}
		var total time.Duration
		for k, v := range p.self {
			total += max(0, v-time.Duration(p.selfN[k])*perTick)
		}
		for k, v := range m {
			// Scale to the calibrated guest time.
			out[k] = time.Duration(float64(max(0, v-time.Duration(counts[k])*perTick)) / float64(total) * float64(guest))
		}
		return out
	}
	table := func(title string, m map[string]time.Duration, limit int) {
		type row struct {
			name string
			d    time.Duration
		}
		var rows []row
		for k, v := range m {
			rows = append(rows, row{k, v})
		}
		slices.SortFunc(rows, func(a, b row) int { return cmp.Compare(b.d, a.d) })
		fmt.Fprintf(&b, "\n%s (µs/check, %% of guest time)\n", title)
		for i, r := range rows {
			if i == limit {
				break
			}
			fmt.Fprintf(&b, "%8.2f %5.1f%%  %s\n", us(r.d)/float64(n), 100*float64(r.d)/float64(guest), r.name)
		}
	}
	table("self", corrected(p.self, p.selfN), 45)
	table("inclusive", corrected(p.incl, p.inclN), 60)
	fmt.Fprintf(&b, "\nhost functions (calls/check, µs/check)\n")
	names := make([]string, 0, len(p.hostN))
	for k := range p.hostN {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		fmt.Fprintf(&b, "%8.2f %8.2f  %s\n", float64(p.hostN[k])/float64(n), us(p.hostD[k])/float64(n), k)
	}
	t.Log("\n" + b.String())
}

// threadCPU is the CPU time of the calling OS thread.
func threadCPU() time.Duration {
	var ts syscall.Timespec
	const clockThreadCPUTime = 3 // CLOCK_THREAD_CPUTIME_ID
	if _, _, e := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		panic(e)
	}
	return time.Duration(ts.Nano())
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
