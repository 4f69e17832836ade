package sdk

import (
	"encoding/json"
	"fmt"

	"github.com/runbookhq/runbook/host/abi"
)

// Manifest describes the plugin. Kind and ABI are filled in by Check and
// Reaction; set the rest.
type Manifest = abi.Manifest

// Context is everything about a call except the config: which monitor, the
// triggering status for reactions, and the resolved secrets.
type Context struct {
	abi.CallContext
	Secrets map[string]string
}

// Validator is implemented by config types that check themselves beyond
// what JSON decoding checks.
type Validator interface {
	Validate() error
}

// plugin is the one registered handler of this module.
type plugin struct {
	manifest []byte
	kind     abi.Kind
	call     func(in []byte) Output // runbook_call: JSON input
	// callBinary serves runbook_call_bin: the binary input (abi/callbin.go).
	callBinary func(in []byte) Output
	validate   func(cfg []byte) abi.Validation
}

var registered *plugin

// Check registers fn as this module's check. Call it once, from init.
//
// The config is decoded (and validated) once per distinct config and the
// same value is passed to every call with that config: treat it as
// read-only, and copy a map or slice in it before changing it.
func Check[C any](m Manifest, fn func(ctx Context, cfg C) Output) {
	register(abi.KindCheck, m, fn)
}

// Reaction registers fn as this module's reaction. Call it once, from init.
func Reaction[C any](m Manifest, fn func(ctx Context, cfg C) Output) {
	register(abi.KindReaction, m, fn)
}

func register[C any](kind abi.Kind, m Manifest, fn func(ctx Context, cfg C) Output) {
	if registered != nil {
		panic("sdk: Check or Reaction called twice; a module is one plugin")
	}
	m.Kind, m.ABI = kind, abi.Version
	if err := m.Validate(); err != nil {
		panic("sdk: " + err.Error())
	}
	mj, err := json.Marshal(m)
	if err != nil {
		panic("sdk: manifest: " + err.Error())
	}
	configs := &configCache[C]{}
	var (
		mu      guard
		lastCtx abi.CallContext // the previous call's, for decoding the next
		// into is where decode writes, copied out under mu: an Input
		// whose address went to decode (a func value) would be a heap
		// object per call.
		into abi.Input
	)
	// decoded wraps an input decoder: the previous call's context lets
	// it reuse strings that did not change (no allocation).
	decoded := func(decode func(raw []byte, in *abi.Input, like *abi.CallContext) error) func([]byte) Output {
		return func(raw []byte) Output {
			mu.Lock()
			err := decode(raw, &into, &lastCtx)
			in := into
			into = abi.Input{} // keep nothing of this call alive
			lastCtx = in.Context
			mu.Unlock()
			if err != nil {
				return errorOutput(kind, "input: %v", err)
			}
			cfg, err := configs.get(in.Config)
			if err != nil {
				return errorOutput(kind, "config: %v", err)
			}
			return safeCall(kind, func() Output {
				return fn(Context{CallContext: in.Context, Secrets: in.Secrets}, cfg)
			})
		}
	}
	registered = &plugin{
		manifest: mj,
		kind:     kind,
		call: decoded(func(raw []byte, in *abi.Input, like *abi.CallContext) (err error) {
			*in, err = decodeInputLike(raw, like)
			return err
		}),
		// The binary call, every check's path, is written out rather
		// than built from decoded and safeCall: two closures and a
		// function fewer to fetch again after each network wait
		// (docs/PERFORMANCE.md, round 8).
		callBinary: func(raw []byte) (out Output) {
			mu.Lock()
			in, err := decodeInputBinary(raw, &lastCtx)
			lastCtx = in.Context
			mu.Unlock()
			if err != nil {
				return errorOutput(kind, "input: %v", err)
			}
			cfg, err := configs.get(in.Config)
			if err != nil {
				return errorOutput(kind, "config: %v", err)
			}
			returned := false
			defer func() {
				if returned { // as in safeCall
					return
				}
				if r := recover(); r != nil {
					out = panicOutput(kind, r)
				}
			}()
			out = fn(Context{CallContext: in.Context, Secrets: in.Secrets}, cfg)
			returned = true
			return out
		},
		validate: func(raw []byte) abi.Validation {
			in, err := decodeInput(raw)
			if err != nil {
				return abi.Validation{Errors: []abi.FieldError{{Message: "input: " + err.Error()}}}
			}
			if _, err := decodeConfig[C](in.Config); err != nil {
				return abi.Validation{Errors: []abi.FieldError{{Message: err.Error()}}}
			}
			return abi.Validation{}
		},
	}
}

// decodeConfig decodes and, when C implements Validator, validates.
func decodeConfig[C any](raw json.RawMessage) (C, error) {
	var cfg C
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &cfg); err != nil {
			return cfg, err
		}
	}
	var v any = cfg
	if _, ok := v.(Validator); !ok {
		v = &cfg
	}
	if val, ok := v.(Validator); ok {
		if err := val.Validate(); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

// safeCall turns a panic in the author's code into an error result: the
// Go runtime is still sound after a recovered panic, so the instance may be
// reused, and the user sees why the check could not decide.
//
// recover runs only when fn did not return: in a wasm guest it is a
// runtime call with its own code to page in, on every check, for a panic
// that almost never comes.
func safeCall(kind abi.Kind, fn func() Output) (out Output) {
	returned := false
	defer func() {
		if returned {
			return
		}
		if r := recover(); r != nil {
			out = panicOutput(kind, r)
		}
	}()
	out = fn()
	returned = true
	return out
}

// panicOutput is the result of a call whose check panicked with r.
//
//go:noinline
func panicOutput(kind abi.Kind, r any) Output {
	return errorOutput(kind, "plugin panicked: %v", r)
}

// errorOutput is the result of a call the plugin could not carry out:
// unknown for a check (it could not decide), failed for a reaction.
//
// Out of line: its formatting is code no successful call runs.
//
//go:noinline
func errorOutput(kind abi.Kind, format string, args ...any) Output {
	if kind == abi.KindReaction {
		return Output{Status: abi.StatusFailed, Message: fmt.Sprintf(format, args...)}
	}
	return Output{Status: abi.StatusUnknown, Message: fmt.Sprintf(format, args...)}
}
