package host

import (
	"errors"
	"fmt"
	"slices"

	"github.com/runbookhq/runbook/host/abi"
)

// Deadline enforcement by instrumentation (the idea of wazero PR #2482,
// done here because wazero 1.12 does not have it).
//
// Before compiling, instrument rewrites a module so that every function
// entry and every loop body starts with a countdown on a new mutable i32
// global; when the count reaches zero it is reset to tickInterval and the
// module's own runbook.host_call import is called with name_len 0: the
// "tick". The host answers a tick by trapping the call once its deadline
// has passed (see tick). Every path that runs unbounded either loops or
// calls (recursion), so a guest can run at most tickInterval loop
// iterations or calls, plus straight-line code, between two looks at the
// clock.
//
// RATIONALE: wazero's WithCloseOnContextDone does the same job by exiting
// from compiled code to Go on every back-edge (~27 ns per iteration in
// 1.12, wazero #2466), doubling the CPU of a real Go plugin. A countdown
// in a global costs a few instructions; the exit to Go happens once per
// tickInterval. Reusing host_call (rather than adding an import) keeps
// every function index, so calls, exports, tables and the name section are
// unchanged; a global appended at the end shifts nothing either.
//
// Modules the walker cannot read completely (SIMD, threads, exceptions,
// tail calls, GC) or that do not import runbook.host_call are returned
// with an error and run under WithCloseOnContextDone instead.

// tickInterval is how many function entries and loop iterations run
// between two ticks. At ~1 ns per iteration of the tightest loop that is a
// few microseconds between looks at the deadline; the tick itself (an
// exit to Go, a clock read) then costs well under 0.1 ns per iteration.
// A variable only so the guest profiler (guestprofile_test.go) can sample
// more often; nothing else sets it.
var tickInterval int32 = 4096

// instrument returns wasm with deadline ticks added, or an error saying
// why it was left alone. It never panics on malformed input; a module
// wazero would reject may come back rewritten or with an error, and
// wazero then rejects the result the same way.
func instrument(wasm []byte) ([]byte, error) {
	secs, err := splitSections(wasm)
	if err != nil {
		return nil, err
	}
	var types [][2][]byte // params, results of each function type
	imp := imports{hostCall: -1}
	globalAt, codeAt := -1, -1
	for i, s := range secs {
		switch s.id {
		case secType:
			if types, err = readTypes(s.content); err != nil {
				return nil, fmt.Errorf("type section: %w", err)
			}
		case secImport:
			if imp, err = readImports(s.content); err != nil {
				return nil, fmt.Errorf("import section: %w", err)
			}
		case secGlobal:
			globalAt = i
		case secCode:
			codeAt = i
		}
	}
	if imp.hostCall < 0 {
		return nil, fmt.Errorf("module does not import %s.%s", abi.ImportModule, abi.ImportHostCall)
	}
	if int(imp.hostCallType) >= len(types) || !isHostCallType(types[imp.hostCallType]) {
		return nil, fmt.Errorf("%s.%s is not (i32, i32, i32, i32) -> i64", abi.ImportModule, abi.ImportHostCall)
	}

	// The counter global: appended, so its index is the number of globals.
	defined := uint32(0)
	var globals []byte
	if globalAt >= 0 {
		r := &reader{b: secs[globalAt].content}
		if defined, err = r.u32(); err != nil {
			return nil, fmt.Errorf("global section: %w", err)
		}
		globals = r.b[r.pos:]
	}
	counter := uint64(imp.globals) + uint64(defined)
	if counter >= 1<<32-1 {
		return nil, errors.New("too many globals")
	}
	g := appendU32(nil, defined+1)
	g = append(g, globals...)
	g = append(g, 0x7f, 0x01, 0x41) // i32, mutable, init i32.const
	g = appendS32(g, tickInterval)
	g = append(g, 0x0b)
	out := slices.Clone(secs)
	if globalAt >= 0 {
		out[globalAt].content = g
	} else {
		at := len(out)
		for i, s := range out {
			if s.id == secExport || s.id == secStart || s.id == secElement || s.id == secDataCount || s.id == secCode || s.id == secData {
				at = i
				break
			}
		}
		out = slices.Insert(out, at, section{id: secGlobal, content: g})
		if codeAt >= at {
			codeAt++
		}
	}
	if codeAt >= 0 {
		code, err := instrumentCode(out[codeAt].content, tickCode(uint32(counter), uint32(imp.hostCall)))
		if err != nil {
			return nil, err
		}
		out[codeAt].content = code
	}
	return joinSections(out), nil
}

// tickCode is the countdown inserted at function entries and loop bodies:
//
//	global.get $n  i32.const 1  i32.sub  global.set $n
//	global.get $n  i32.eqz
//	if
//	  i32.const tickInterval  global.set $n
//	  i32.const 0 (×4)  call $host_call  drop
//	end
//
// It leaves the operand stack as it found it, so it is valid wherever an
// instruction sequence may start.
func tickCode(global, hostCall uint32) []byte {
	b := []byte{0x23}
	b = appendU32(b, global)
	b = append(b, 0x41, 0x01, 0x6b, 0x24)
	b = appendU32(b, global)
	b = append(b, 0x23)
	b = appendU32(b, global)
	b = append(b, 0x45, 0x04, 0x40, 0x41)
	b = appendS32(b, tickInterval)
	b = append(b, 0x24)
	b = appendU32(b, global)
	b = append(b, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0x10)
	b = appendU32(b, hostCall)
	return append(b, 0x1a, 0x0b)
}

// instrumentCode rewrites the code section: tick at the start of every
// function body and of every loop body.
func instrumentCode(content, tick []byte) ([]byte, error) {
	r := &reader{b: content}
	n, err := r.u32()
	if err != nil {
		return nil, fmt.Errorf("code section: %w", err)
	}
	out := make([]byte, 0, len(content)+len(content)/4)
	out = appendU32(out, n)
	var body []byte
	for i := uint32(0); i < n; i++ {
		size, err := r.u32()
		if err != nil {
			return nil, fmt.Errorf("code %d: %w", i, err)
		}
		fn, err := r.bytes(size)
		if err != nil {
			return nil, fmt.Errorf("code %d: %w", i, err)
		}
		if body, err = instrumentBody(body[:0], fn, tick); err != nil {
			return nil, fmt.Errorf("code %d: %w", i, err)
		}
		out = appendU32(out, uint32(len(body)))
		out = append(out, body...)
	}
	if !r.done() {
		return nil, errors.New("code section: bytes after the last function")
	}
	return out, nil
}

func instrumentBody(dst, fn, tick []byte) ([]byte, error) {
	r := &reader{b: fn}
	groups, err := r.u32()
	if err != nil {
		return nil, fmt.Errorf("locals: %w", err)
	}
	for range groups {
		if _, err := r.u32(); err != nil {
			return nil, fmt.Errorf("locals: %w", err)
		}
		if err := skipValType(r); err != nil {
			return nil, fmt.Errorf("locals: %w", err)
		}
	}
	expr := fn[r.pos:]
	loops, err := loopBodies(expr)
	if err != nil {
		return nil, err
	}
	dst = append(dst, fn[:r.pos]...)
	dst = append(dst, tick...)
	last := 0
	for _, at := range loops {
		dst = append(dst, expr[last:at]...)
		dst = append(dst, tick...)
		last = at
	}
	if uint64(len(dst))+uint64(len(expr)-last) > 1<<32-1 {
		return nil, errors.New("function too large")
	}
	return append(dst, expr[last:]...), nil
}

// imports is what instrument needs from the import section.
type imports struct {
	funcs, globals uint32 // imported functions and globals (index offsets)
	hostCall       int64  // function index of runbook.host_call, -1 if absent
	hostCallType   uint32
}

func readImports(content []byte) (imports, error) {
	im := imports{hostCall: -1}
	r := &reader{b: content}
	n, err := r.u32()
	if err != nil {
		return im, err
	}
	for i := uint32(0); i < n; i++ {
		mod, err := r.name()
		if err != nil {
			return im, err
		}
		field, err := r.name()
		if err != nil {
			return im, err
		}
		kind, err := r.byte()
		if err != nil {
			return im, err
		}
		switch kind {
		case 0x00: // function: type index
			t, err := r.u32()
			if err != nil {
				return im, err
			}
			if mod == abi.ImportModule && field == abi.ImportHostCall && im.hostCall < 0 {
				im.hostCall, im.hostCallType = int64(im.funcs), t
			}
			im.funcs++
		case 0x01: // table: reftype limits
			if err := skipRefType(r); err != nil {
				return im, err
			}
			if err := skipLimits(r); err != nil {
				return im, err
			}
		case 0x02: // memory: limits
			if err := skipLimits(r); err != nil {
				return im, err
			}
		case 0x03: // global: valtype mut
			if err := skipValType(r); err != nil {
				return im, err
			}
			if _, err := r.byte(); err != nil {
				return im, err
			}
			im.globals++
		default:
			return im, errUnsupported{fmt.Sprintf("import kind %#x", kind)}
		}
	}
	return im, nil
}

func skipLimits(r *reader) error {
	flag, err := r.byte()
	if err != nil {
		return err
	}
	if flag > 3 { // 0/1: min[, max]; 2/3 the same, shared (threads)
		return errUnsupported{fmt.Sprintf("limits flag %#x (memory64?)", flag)}
	}
	return skipU32s(r, 1+int(flag&1))
}

func readTypes(content []byte) ([][2][]byte, error) {
	r := &reader{b: content}
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	var out [][2][]byte
	for i := uint32(0); i < n; i++ {
		form, err := r.byte()
		if err != nil {
			return nil, err
		}
		if form != 0x60 {
			return nil, errUnsupported{fmt.Sprintf("type form %#x", form)}
		}
		var ft [2][]byte
		for j := range ft {
			m, err := r.u32()
			if err != nil {
				return nil, err
			}
			start := r.pos
			for range m {
				if err := skipValType(r); err != nil {
					return nil, err
				}
			}
			ft[j] = r.b[start:r.pos]
		}
		out = append(out, ft)
	}
	return out, nil
}

func isHostCallType(ft [2][]byte) bool {
	return string(ft[0]) == "\x7f\x7f\x7f\x7f" && string(ft[1]) == "\x7e"
}
