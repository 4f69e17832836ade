package host

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
)

// A tiny assembler for test modules. Types: 0 = host_call's
// (i32 i32 i32 i32) -> i64, 1 = (i32) -> i32, 2 = () -> i32.
func vec(items ...[]byte) []byte {
	b := appendU32(nil, uint32(len(items)))
	for _, it := range items {
		b = append(b, it...)
	}
	return b
}

func str(s string) []byte { return append(appendU32(nil, uint32(len(s))), s...) }

func sect(id byte, content []byte) section { return section{id: id, content: content} }

func body(locals []byte, code ...byte) []byte {
	b := append(append([]byte(nil), locals...), code...)
	return append(appendU32(nil, uint32(len(b))), b...)
}

var (
	testTypes = sect(secType, vec(
		[]byte{0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 1, 0x7e},
		[]byte{0x60, 1, 0x7f, 1, 0x7f},
		[]byte{0x60, 0, 1, 0x7f},
	))
	importHostCall = append(append(str("runbook"), str("host_call")...), 0x00, 0x00)
	// loop(n): counts a local down from n to 0 and returns the count of
	// iterations it ran.
	loopBody = body(vec([]byte{1, 0x7f}),
		0x02, 0x40, 0x03, 0x40, // block, loop
		0x20, 0x00, 0x45, 0x0d, 0x01, // local.get 0, i32.eqz, br_if 1 (leave)
		0x20, 0x00, 0x41, 0x01, 0x6b, 0x21, 0x00, // n--
		0x20, 0x01, 0x41, 0x01, 0x6a, 0x21, 0x01, // count++
		0x0c, 0x00, // br 0
		0x0b, 0x0b,
		0x20, 0x01, 0x0b)
	// fib(n) by recursion, no loop instruction: if n < 2 then n else
	// fib(n-1) + fib(n-2). Its index is set by the module (1 = after the
	// one import).
	fibBody = body(vec(),
		0x20, 0x00, 0x41, 0x02, 0x48, // local.get 0, i32.const 2, i32.lt_s
		0x04, 0x7f, 0x20, 0x00, // if (result i32) n
		0x05,
		0x20, 0x00, 0x41, 0x01, 0x6b, 0x10, 0x02, // fib(n-1)
		0x20, 0x00, 0x41, 0x02, 0x6b, 0x10, 0x02, // fib(n-2)
		0x6a, 0x0b, 0x0b)
	// g() returns the defined global 0 (imported globals come first).
	globalBody = body(vec(), 0x23, 0x01, 0x0b)
)

// testModule: imports host_call (func 0) and an i32 global; defines
// loop (1), fib (2), g (3) and one i32 global = 7 (global index 1).
func testModule(withGlobals bool) []byte {
	imps := [][]byte{importHostCall}
	body3 := globalBody
	if withGlobals {
		imps = append(imps, append(append(str("env"), str("g")...), 0x03, 0x7f, 0x00))
	} else {
		body3 = body(vec(), 0x41, 0x07, 0x0b)
	}
	secs := []section{
		testTypes,
		sect(secImport, vec(imps...)),
		sect(secFunction, vec([]byte{1}, []byte{1}, []byte{2})),
	}
	if withGlobals {
		secs = append(secs, sect(secGlobal, vec([]byte{0x7f, 0x00, 0x41, 0x07, 0x0b})))
	}
	secs = append(secs,
		sect(secExport, vec(append(str("loop"), 0, 1), append(str("fib"), 0, 2), append(str("g"), 0, 3))),
		sect(secCode, vec(loopBody, fibBody, body3)),
		sect(secCustom, append(str("x-test"), 1, 2, 3)),
	)
	return joinSections(secs)
}

// runTest instantiates wasm with a runbook.host_call that counts ticks
// and calls tick (plus an env.g global when the module imports it).
func runTest(t *testing.T, ctx context.Context, wasm []byte) (api.Module, *int) {
	t.Helper()
	r := wazero.NewRuntime(ctx)
	t.Cleanup(func() { r.Close(context.Background()) })
	ticks := new(int)
	_, err := r.NewHostModuleBuilder("runbook").NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, mod api.Module, stack []uint64) {
			if uint32(stack[1]) == 0 {
				*ticks++
			}
			hostCall(ctx, mod, stack)
		}), []api.ValueType{api.ValueTypeI32, api.ValueTypeI32, api.ValueTypeI32, api.ValueTypeI32}, []api.ValueType{api.ValueTypeI64}).
		Export("host_call").Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(wasm), "\x03env\x01g") {
		// A module exporting the imported global.
		g := joinSections([]section{
			sect(secGlobal, vec([]byte{0x7f, 0x00, 0x41, 0x2a, 0x0b})),
			sect(secExport, vec(append(str("g"), 0x03, 0x00))),
		})
		if _, err := r.InstantiateWithConfig(ctx, g, wazero.NewModuleConfig().WithName("env")); err != nil {
			t.Fatal(err)
		}
	}
	mod, err := r.Instantiate(ctx, wasm)
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	return mod, ticks
}

func TestInstrumentKeepsSemanticsAndTicks(t *testing.T) {
	for _, withGlobals := range []bool{true, false} {
		name := "no global section"
		if withGlobals {
			name = "imported and defined globals"
		}
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			wasm, err := instrument(testModule(withGlobals))
			if err != nil {
				t.Fatal(err)
			}
			mod, ticks := runTest(t, ctx, wasm)
			res, err := mod.ExportedFunction("loop").Call(ctx, 100_000)
			if err != nil || res[0] != 100_000 {
				t.Fatalf("loop(100000) = %v, %v", res, err)
			}
			// One countdown per iteration (100,001 loop bodies) and entry.
			if want := 100_002 / int(tickInterval); *ticks != want {
				t.Errorf("%d ticks; want %d", *ticks, want)
			}
			res, err = mod.ExportedFunction("fib").Call(ctx, 20)
			if err != nil || res[0] != 6765 {
				t.Fatalf("fib(20) = %v, %v", res, err)
			}
			res, err = mod.ExportedFunction("g").Call(ctx)
			if err != nil || res[0] != 7 {
				t.Fatalf("g() = %v, %v; want the module's own global, 7", res, err)
			}
		})
	}
}

// TestInstrumentStopsAtDeadline: a loop and a loop-free recursion stop
// with a deadline exit soon after the deadline.
func TestInstrumentStopsAtDeadline(t *testing.T) {
	for _, c := range []struct {
		fn  string
		arg uint64
	}{{"loop", 1 << 31}, {"fib", 60}} {
		t.Run(c.fn, func(t *testing.T) {
			wasm, err := instrument(testModule(false))
			if err != nil {
				t.Fatal(err)
			}
			mod, _ := runTest(t, context.Background(), wasm)
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err = mod.ExportedFunction(c.fn).Call(ctx, c.arg)
			var exit *sys.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != sys.ExitCodeDeadlineExceeded {
				t.Fatalf("got %v; want exit with code deadline exceeded", err)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("stopped after %s; deadline 100ms", d)
			}
		})
	}
}

func TestInstrumentFallsBack(t *testing.T) {
	mod := testModule(false)
	noImport := joinSections([]section{
		sect(secType, vec([]byte{0x60, 0, 0})),
		sect(secFunction, vec([]byte{0})),
		sect(secCode, vec(body(vec(), 0x0b))),
	})
	simd := joinSections([]section{
		testTypes, sect(secImport, vec(importHostCall)),
		sect(secFunction, vec([]byte{2})),
		sect(secCode, vec(body(vec(), 0xfd, 0x0c, 0x0b))),
	})
	badType := joinSections([]section{
		sect(secType, vec([]byte{0x60, 0, 0})),
		sect(secImport, vec(append(append(str("runbook"), str("host_call")...), 0x00, 0x00))),
	})
	for _, c := range []struct {
		name string
		wasm []byte
		want string
	}{
		{"no host_call import", noImport, "does not import runbook.host_call"},
		{"host_call of another type", badType, "is not (i32, i32, i32, i32) -> i64"},
		{"SIMD", simd, "SIMD"},
		{"truncated", mod[:len(mod)-20], "unexpected end"},
		{"not wasm", []byte("\x00asm\x02\x00\x00\x00"), "not a wasm 1.0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := instrument(c.wasm)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v; want an error containing %q", err, c.want)
			}
		})
	}
}

// FuzzInstrument: on any bytes instrument never panics, and when wazero
// accepts the input it accepts the instrumented module too.
func FuzzInstrument(f *testing.F) {
	f.Add(testModule(true))
	f.Add(testModule(false))
	f.Add([]byte("\x00asm\x01\x00\x00\x00"))
	ctx := context.Background()
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer r.Close(ctx)
	f.Fuzz(func(t *testing.T, wasm []byte) {
		out, err := instrument(wasm)
		if err != nil {
			return
		}
		in, err := r.CompileModule(ctx, wasm)
		if err != nil {
			return // invalid input: whatever instrument made of it is rejected too
		}
		in.Close(ctx)
		c, err := r.CompileModule(ctx, out)
		if err != nil {
			t.Fatalf("wazero accepts the input but not its instrumented form: %v", err)
		}
		c.Close(ctx)
	})
}
