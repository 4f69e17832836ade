package host

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// instance is one initialised module. It serves one call at a time.
type instance struct {
	mod                   api.Module
	alloc, call, validate api.Function
	callBinary            api.Function // nil unless the module exports it
	out                   *logWriter   // stdout+stderr, bounded per call
	sleep                 *sleeper     // WASI sleeps end with the current call
	stack                 [2]uint64    // params and results of invoke's calls; one call at a time
	// inBuf, inBufLen: the guest's persistent input buffer
	// (runbook_input_buffer); inBufLen 0 when there is none.
	inBuf, inBufLen uint32
}

// newInstance instantiates the compiled module and runs _initialize (Go's
// runtime and package init). ctx must carry a callState: init code may
// make host calls, which are then denied.
func (p *plugin) newInstance(ctx context.Context) (*instance, error) {
	out := newLogWriter(p.log)
	sl := &sleeper{}
	sl.during(ctx)
	defer sl.end()
	cfg := wazero.NewModuleConfig().
		WithName(""). // anonymous: many instances of one module per runtime
		WithStartFunctions(abi.ExportInitialize).
		WithStdout(out.stream("stdout")).
		WithStderr(out.stream("stderr")).
		// Real clocks and randomness, as WASI promises; no FS, env or args
		// (wazero's defaults give none). Sleeps are real but end with the
		// call (wazero's own sleep would outlive any deadline).
		WithSysWalltime().WithSysNanotime().WithNanosleep(sl.sleep).
		WithRandSource(cryptoRand{})
	mod, err := p.runtime.InstantiateModule(ctx, p.compiled, cfg)
	if err != nil {
		return nil, fmt.Errorf("instantiate: %w", err)
	}
	inst := &instance{
		mod:        mod,
		alloc:      mod.ExportedFunction(abi.ExportAlloc),
		call:       mod.ExportedFunction(abi.ExportCall),
		validate:   mod.ExportedFunction(abi.ExportValidate),
		callBinary: mod.ExportedFunction(abi.ExportCallBinary),
		out:        out,
		sleep:      sl,
	}
	if err := inst.askInputBuffer(ctx); err != nil {
		inst.close(ctx)
		return nil, err
	}
	return inst, nil
}

// disableInputBuffer makes instances created while it is set ignore
// runbook_input_buffer (tests and benchmarks compare the two paths).
var disableInputBuffer bool

// askInputBuffer asks the guest once where its persistent input buffer is
// (docs/ABI.md §6.2), so a call that fits skips runbook_alloc. That was
// meant to save a guest entry per call; measured, an entry costs ~27 ns
// (docs/PERFORMANCE.md, round 5), so the saving is small. A region
// outside memory is the plugin's bug: the instance is refused.
func (i *instance) askInputBuffer(ctx context.Context) error {
	fn := i.mod.ExportedFunction(abi.ExportInputBuffer)
	if fn == nil || disableInputBuffer {
		return nil
	}
	i.sleep.during(ctx)
	defer i.sleep.end()
	st := i.stack[:]
	if err := fn.CallWithStack(ctx, st); err != nil {
		return fmt.Errorf("%s: %w", abi.ExportInputBuffer, err)
	}
	ptr, n := abi.Unpack(st[0])
	if n == 0 {
		return nil
	}
	if _, ok := i.mod.Memory().Read(ptr, n); !ok {
		return fmt.Errorf("%s returned %#x+%d, outside memory", abi.ExportInputBuffer, ptr, n)
	}
	i.inBuf, i.inBufLen = ptr, n
	return nil
}

// export returns the cached function for runbook_call,
// runbook_call_bin or runbook_validate.
func (i *instance) export(name string) api.Function {
	switch name {
	case abi.ExportValidate:
		return i.validate
	case abi.ExportCallBinary:
		return i.callBinary
	}
	return i.call
}

func (i *instance) close(ctx context.Context) { _ = i.mod.Close(ctx) }

// errDiscard marks errors after which the instance must not be reused.
var errDiscard = errors.New("instance discarded")

// invoke writes in into guest memory, calls fn on it and returns a copy of
// the result bytes. Any error means the instance's state is suspect: the
// caller discards it.
func (i *instance) invoke(ctx context.Context, fn api.Function, in []byte, maxOut int) ([]byte, error) {
	i.out.reset()
	i.sleep.during(ctx)
	defer i.sleep.end()
	// CallWithStack into the instance's own array: Call allocates the
	// parameters and results of every call.
	st := i.stack[:]
	ptr, from := i.inBuf, abi.ExportInputBuffer
	if i.inBufLen == 0 || uint64(len(in)) > uint64(i.inBufLen) {
		st[0] = uint64(len(in))
		if err := i.alloc.CallWithStack(ctx, st); err != nil {
			return nil, fmt.Errorf("%s: %w", abi.ExportAlloc, err)
		}
		ptr, from = uint32(st[0]), abi.ExportAlloc
	}
	if !i.mod.Memory().Write(ptr, in) {
		return nil, fmt.Errorf("%s returned %#x, outside memory for %d bytes", from, ptr, len(in))
	}
	st[0], st[1] = uint64(ptr), uint64(len(in))
	if err := fn.CallWithStack(ctx, st); err != nil {
		return nil, err
	}
	return i.read(st[0], maxOut)
}

// read copies a packed (ptr, len) result out of guest memory: the guest may
// reuse that buffer on its next call.
func (i *instance) read(packed uint64, maxOut int) ([]byte, error) {
	ptr, n := abi.Unpack(packed)
	if int(n) > maxOut {
		return nil, fmt.Errorf("output of %d bytes exceeds the limit of %d", n, maxOut)
	}
	b, ok := i.mod.Memory().Read(ptr, n)
	if !ok {
		return nil, fmt.Errorf("output at %#x+%d is outside memory", ptr, n)
	}
	return append([]byte(nil), b...), nil
}

// manifest calls runbook_manifest.
func (i *instance) manifest(ctx context.Context) (abi.Manifest, error) {
	i.sleep.during(ctx)
	defer i.sleep.end()
	fn := i.mod.ExportedFunction(abi.ExportManifest)
	res, err := fn.Call(ctx)
	if err != nil {
		return abi.Manifest{}, fmt.Errorf("%s: %w", abi.ExportManifest, err)
	}
	b, err := i.read(res[0], 1<<20)
	if err != nil {
		return abi.Manifest{}, fmt.Errorf("%s: %w", abi.ExportManifest, err)
	}
	var m abi.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return abi.Manifest{}, fmt.Errorf("%s: decode: %w", abi.ExportManifest, err)
	}
	return m, nil
}
