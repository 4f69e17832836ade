package host

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/runbookhq/runbook/host/abi"

	"github.com/tetratelabs/wazero/sys"
)

// Hooks for host_test benchmarks; compiled only into test binaries.

// Deadline enforcement modes for SetDeadlineForTest.
const (
	DeadlineInstrumented       = enforceInstrumented
	DeadlineCloseOnContextDone = enforceCloseOnContextDone
	DeadlineNone               = enforceNone
)

// SetDeadlineForTest sets the deadline enforcement hosts created
// afterwards try first, and returns a func restoring the previous one.
// Not safe for parallel tests.
func SetDeadlineForTest(mode string) (restore func()) {
	prev := deadlineEnforcement
	deadlineEnforcement = mode
	return func() { deadlineEnforcement = prev }
}

// InstantiateForBench creates and closes one pooled-style instance of the
// current version of plugin name: the cost a pool pays to grow.
func InstantiateForBench(ctx context.Context, h *Host, name string) error {
	p, err := h.lookup(name, "", "")
	if err != nil {
		return err
	}
	inst, err := p.create(ctx)
	if err != nil {
		return err
	}
	inst.close(ctx)
	return nil
}

// CallWithTimerCloseForBench runs one call the way invoke does, but
// enforces the deadline by closing the module from a timer when ctx is
// done (context.AfterFunc + CloseWithExitCode), the alternative to
// WithCloseOnContextDone. It returns how long the guest ran. The instance
// is discarded afterwards.
func CallWithTimerCloseForBench(ctx context.Context, h *Host, name string, input []byte, deadline time.Duration) (time.Duration, error) {
	p, err := h.lookup(name, "", "")
	if err != nil {
		return 0, err
	}
	inst, err := p.pool.get(ctx)
	if err != nil {
		return 0, err
	}
	defer p.pool.discard(inst)
	cctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	stop := context.AfterFunc(cctx, func() {
		_ = inst.mod.CloseWithExitCode(context.Background(), sys.ExitCodeDeadlineExceeded)
	})
	defer stop()
	start := time.Now()
	_, err = inst.invoke(withCallState(cctx, &callState{plugin: p}), inst.call, input, p.limits.OutputBytes)
	if err != nil {
		err = fmt.Errorf("timer close: %w", err)
	}
	return time.Since(start), err
}

// SetHTTPKeepAliveForBench sets whether hosts created afterwards reuse
// HTTP connections, and returns a func restoring the previous setting.
func SetHTTPKeepAliveForBench(on bool) (restore func()) {
	prev := httpKeepAlive
	httpKeepAlive = on
	return func() { httpKeepAlive = prev }
}

// SetTickIntervalForTest sets how many loop iterations and calls run
// between two deadline ticks in modules instrumented afterwards, and
// returns a func restoring the previous interval. Not safe for parallel
// tests.
func SetTickIntervalForTest(n int32) (restore func()) {
	prev := tickInterval
	tickInterval = n
	return func() { tickInterval = prev }
}

// InstanceMemoryForBench is the linear memory size, in bytes, of an idle
// pooled instance of plugin name (0 when none is idle).
func InstanceMemoryForBench(h *Host, name string) uint32 {
	p, err := h.lookup(name, "", "")
	if err != nil {
		return 0
	}
	select {
	case inst := <-p.pool.idle:
		defer p.pool.put(inst)
		return inst.mod.Memory().Size()
	default:
		return 0
	}
}

// SetCallBinaryForTest turns the binary call off (false) for plugins
// loaded until restore, so a test can run one plugin both ways.
func SetCallBinaryForTest(on bool) (restore func()) {
	old := disableCallBinary
	disableCallBinary = !on
	return func() { disableCallBinary = old }
}

// SetInputBufferForTest makes instances created afterwards use (on) or
// ignore runbook_input_buffer, and returns a func restoring the previous
// setting. Not safe for parallel tests.
func SetInputBufferForTest(on bool) (restore func()) {
	prev := disableInputBuffer
	disableInputBuffer = !on
	return func() { disableInputBuffer = prev }
}

// InputBufferForTest borrows an instance of plugin name (idle or new) and
// returns the size of its persistent input buffer (0: none) and a copy
// of the buffer's first n bytes, then returns the instance to the pool.
func InputBufferForTest(ctx context.Context, h *Host, name string, n int) (size int, head []byte, err error) {
	p, err := h.lookup(name, "", "")
	if err != nil {
		return 0, nil, err
	}
	inst, err := p.pool.get(ctx)
	if err != nil {
		return 0, nil, err
	}
	defer p.pool.put(inst)
	if inst.inBufLen == 0 {
		return 0, nil, nil
	}
	b, ok := inst.mod.Memory().Read(inst.inBuf, uint32(min(n, int(inst.inBufLen))))
	if !ok {
		return 0, nil, fmt.Errorf("input buffer %#x+%d outside memory", inst.inBuf, inst.inBufLen)
	}
	return int(inst.inBufLen), append([]byte(nil), b...), nil
}

// GuestEntryForBench calls the empty marker export runbook_abi_v1 of an
// instance of plugin name n times: the cost of one guest entry and exit
// alone (Go's wasmexport entry and exit plus wazero's call), which
// runbook_input_buffer saves per call by making runbook_alloc unneeded.
func GuestEntryForBench(ctx context.Context, h *Host, name string, n int) error {
	p, err := h.lookup(name, "", "")
	if err != nil {
		return err
	}
	inst, err := p.pool.get(ctx)
	if err != nil {
		return err
	}
	defer p.pool.put(inst)
	fn := inst.mod.ExportedFunction(abi.ExportMarkerPrefix + fmt.Sprint(abi.Version))
	var st [1]uint64
	for range n {
		if err := fn.CallWithStack(ctx, st[:]); err != nil {
			return err
		}
	}
	return nil
}

// SetHTTPDirectForTest sets whether hosts created afterwards take the
// same-goroutine request path where it applies, and returns a func
// restoring the previous setting. Not safe for parallel tests.
func SetHTTPDirectForTest(on bool) (restore func()) {
	prev := httpDirect
	httpDirect = on
	return func() { httpDirect = prev }
}

// DirectGetForBench is a GET of url on the direct path, the body read
// (up to limit) and discarded: the same technique natively, without the
// capability around it.
func DirectGetForBench(ctx context.Context, url string, limit int64) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	var tm timing
	d, err := directDo(req, &tm)
	if err != nil {
		return 0, err
	}
	defer d.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(d.Body, limit))
	return d.StatusCode, nil
}

// HTTPCapabilityForBench runs the http capability for plugin name the way
// a guest's host_call does (dispatch with the request's JSON, a fresh
// call state on the monitor's config), without any guest code: the host's
// own share of a wasm http check. It returns the reply's length.
func HTTPCapabilityForBench(ctx context.Context, h *Host, name string, config, req []byte) (int, error) {
	p, err := h.lookup(name, "", "")
	if err != nil {
		return 0, err
	}
	st := &callState{plugin: p, config: config}
	env, raw := dispatch(withCallState(ctx, st), st, abi.CapHTTP, req)
	if env.Error != nil {
		return 0, env.Error
	}
	return len(raw), nil
}

// CannedURL is the origin whose requests SetHTTPCannedForBench answers
// from memory (port 1: nothing listens there).
const CannedURL = "http://127.0.0.1:1"

// SetHTTPCannedForBench makes the http capability answer every request
// for CannedURL with a fixed healthy binary reply, touching no network,
// until restore (other URLs go to the real capability): the guest's and
// the call's cost without network I/O between calls. Not safe for
// parallel tests.
func SetHTTPCannedForBench() (restore func()) {
	reply := abi.AppendHTTPResponseBinary(nil, abi.HTTPResponse{Status: 200, Proto: "HTTP/1.1", Size: 2,
		Timing: abi.Timing{ConnectMS: 0.05, FirstByteMS: 0.1, TotalMS: 0.12}})
	registryMu.Lock()
	prev := registry[abi.CapHTTP]
	c := prev
	c.Handle = func(ctx context.Context, env Env, raw json.RawMessage) (any, error) {
		var r abi.HTTPRequest
		if err := unmarshalHTTPRequest(raw, &r); err != nil {
			return nil, err
		}
		if !strings.HasPrefix(r.URL, CannedURL+"/") {
			return prev.Handle(ctx, env, raw)
		}
		return RawReply(append([]byte(nil), reply...)), nil
	}
	registry[abi.CapHTTP] = c
	registryMu.Unlock()
	return func() {
		registryMu.Lock()
		registry[abi.CapHTTP] = prev
		registryMu.Unlock()
	}
}
