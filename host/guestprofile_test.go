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
	h, run := listenedChecks(t, prof, url)
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

// listenedChecks makes a one-instance host of http-status whose guest
// calls go to listener, and run, one check per call, rotating over
// benchMonitors monitors as a worker's input does (as BenchmarkHTTPCheck).
// The host closes when the test ends.
func listenedChecks(t *testing.T, listener experimental.FunctionListenerFactory, url string) (h *host.Host, run func()) {
	t.Helper()
	ctx := experimental.WithFunctionListenerFactory(context.Background(), listener)
	h, err := host.New(ctx, host.Config{Entries: hosttest.Entries(t, "http-status"), PoolSize: 1, Logger: discard()})
	if err != nil || h.Plugins()[0].Err != nil {
		t.Fatal(err, h.Plugins()[0].Err)
	}
	t.Cleanup(func() { h.Close(context.Background()) })
	configs := make([][]byte, benchMonitors)
	for i := range configs {
		configs[i] = fmt.Appendf(nil, `{"url":"%s/health/m%d"}`, url, i)
	}
	i := 0
	run = func() {
		m := i % benchMonitors
		i++
		out, _, err := h.Call(context.Background(), host.Call{Plugin: "http-status", Input: abi.Input{
			Config: configs[m], Context: abi.CallContext{MonitorID: fmt.Sprint("m", m), Zone: "local", ScheduledAt: time.Now().UTC()}}})
		if err != nil || out.Status != abi.StatusHealthy {
			t.Fatal(out, err)
		}
	}
	return h, run
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

// TestGuestFootprint counts the guest code one http-status check runs: a
// listener on every guest function counts calls, distinct functions and
// the wasm bytes of their bodies (the code section), for
// docs/PERFORMANCE.md. After a network wait that code is fetched again
// (round 7), so its size, not its step count, is what a check pays.
//
//	RUNBOOK_GUEST_FOOTPRINT=1 go test -run=TestGuestFootprint -v ./host/
//
// prints every function with its size; by default only the totals.
func TestGuestFootprint(t *testing.T) {
	url := benchServer(t)
	path := hosttest.Wasm(t, "http-status")[0]
	wasm, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sizes, err := wasmBodySizes(wasm)
	if err != nil {
		t.Fatal(err)
	}
	fp := &footprint{sizes: sizes, calls: map[uint32]int{}, names: map[uint32]string{}}
	_, run := listenedChecks(t, fp, url)
	for range 200 { // warm: pool, config cache, request memo, guest heap
		run()
	}
	fp.reset()
	const n = 640
	for range n {
		run()
	}
	fp.mu.Lock()
	defer fp.mu.Unlock()
	type row struct {
		name         string
		calls, bytes int
	}
	var rows []row
	total, bytes := 0, 0
	for idx, c := range fp.calls {
		total += c
		bytes += fp.sizes[idx]
		rows = append(rows, row{fp.names[idx], c, fp.sizes[idx]})
	}
	slices.SortFunc(rows, func(a, b row) int { return cmp.Or(cmp.Compare(b.bytes, a.bytes), strings.Compare(a.name, b.name)) })
	var b strings.Builder
	fmt.Fprintf(&b, "%d checks: %.1f wasm calls per check, %d distinct functions, %d bytes of wasm in their bodies (module: %d functions, %d bytes of code)\n",
		n, float64(total)/n, len(rows), bytes, len(sizes), sum(sizes))
	if os.Getenv("RUNBOOK_GUEST_FOOTPRINT") != "" {
		for _, r := range rows {
			fmt.Fprintf(&b, "%7d B %6.2f calls/check  %s\n", r.bytes, float64(r.calls)/n, r.name)
		}
	}
	t.Log("\n" + b.String())
	if total == 0 || bytes == 0 {
		t.Fatalf("no guest function seen: %d calls, %d bytes", total, bytes)
	}
}

// footprint is a listener on every guest function.
type footprint struct {
	sizes map[uint32]int // wasm body bytes by function index
	mu    sync.Mutex
	calls map[uint32]int
	names map[uint32]string
}

func (f *footprint) reset() {
	f.mu.Lock()
	f.calls, f.names = map[uint32]int{}, map[uint32]string{}
	f.mu.Unlock()
}

func (f *footprint) NewFunctionListener(def api.FunctionDefinition) experimental.FunctionListener {
	if def.GoFunction() != nil {
		return nil
	}
	return footprintListener{f}
}

type footprintListener struct{ f *footprint }

func (l footprintListener) Before(_ context.Context, _ api.Module, def api.FunctionDefinition, _ []uint64, _ experimental.StackIterator) {
	l.f.mu.Lock()
	l.f.calls[def.Index()]++
	l.f.names[def.Index()] = def.Name()
	l.f.mu.Unlock()
}

func (footprintListener) After(context.Context, api.Module, api.FunctionDefinition, []uint64) {}

func (footprintListener) Abort(context.Context, api.Module, api.FunctionDefinition, error) {}

// wasmBodySizes reads the code section: each defined function's body
// size, by its index in the function index space (imports first).
func wasmBodySizes(b []byte) (map[uint32]int, error) {
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return nil, fmt.Errorf("not a wasm module")
	}
	uleb := func(p *int) (uint32, error) {
		var v uint32
		for shift := 0; ; shift += 7 {
			if *p >= len(b) || shift > 28 {
				return 0, fmt.Errorf("bad LEB128 at %d", *p)
			}
			c := b[*p]
			*p++
			v |= uint32(c&0x7f) << shift
			if c < 0x80 {
				return v, nil
			}
		}
	}
	var imported uint32
	sizes := map[uint32]int{}
	for p := 8; p < len(b); {
		id := b[p]
		p++
		n, err := uleb(&p)
		if err != nil {
			return nil, err
		}
		end := p + int(n)
		switch id {
		case 2: // imports: count the functions among them
			q := p
			cnt, err := uleb(&q)
			if err != nil {
				return nil, err
			}
			for range cnt {
				for range 2 { // module and field names
					l, err := uleb(&q)
					if err != nil {
						return nil, err
					}
					q += int(l)
				}
				kind := b[q]
				q++
				switch kind {
				case 0: // function: type index
					imported++
					_, err = uleb(&q)
				case 1: // table: reftype, limits
					q++
					err = skipLimits(b, &q, uleb)
				case 2: // memory: limits
					err = skipLimits(b, &q, uleb)
				case 3: // global: valtype, mutability
					q += 2
				}
				if err != nil {
					return nil, err
				}
			}
		case 10: // code
			q := p
			cnt, err := uleb(&q)
			if err != nil {
				return nil, err
			}
			for i := range cnt {
				l, err := uleb(&q)
				if err != nil {
					return nil, err
				}
				sizes[imported+i] = int(l)
				q += int(l)
			}
		}
		p = end
	}
	return sizes, nil
}

func skipLimits(b []byte, q *int, uleb func(*int) (uint32, error)) error {
	flag := b[*q]
	*q++
	if _, err := uleb(q); err != nil {
		return err
	}
	if flag&1 != 0 {
		_, err := uleb(q)
		return err
	}
	return nil
}

func sum(m map[uint32]int) int {
	t := 0
	for _, v := range m {
		t += v
	}
	return t
}
