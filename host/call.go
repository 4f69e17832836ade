package host

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/tetratelabs/wazero/sys"
)

// Call names a plugin and what to run it on.
type Call struct {
	Plugin string
	// Version "" is the current locked version.
	Version string
	// Kind, when set, must match the plugin's kind (a worker never runs a
	// reaction by mistake).
	Kind  abi.Kind
	Input abi.Input
	// SealedSecrets are the calling monitor's or reaction's own secrets as
	// engine/secret sealed them; the host opens them into Input.Secrets
	// for this call only (see secrets.go).
	SealedSecrets string
	// DryRun refuses every network action the plugin attempts and records
	// it instead (see dryrun.go).
	DryRun bool
}

// CallInfo says which code ran and how long it took.
type CallInfo struct {
	Plugin, Version, Digest string
	Duration                time.Duration
	// WouldReach lists what a dry-run call tried to reach, in order.
	WouldReach []string
}

// Call runs one check or reaction. On error the returned Output is still
// usable: status unknown (checks) or failed (reactions) with the error as
// message, so a caller can record it as is and nothing is silently dropped.
func (h *Host) Call(ctx context.Context, c Call) (abi.Output, CallInfo, error) {
	info := CallInfo{Plugin: c.Plugin, Version: c.Version}
	p, err := h.lookup(c.Plugin, c.Version, c.Kind)
	if err != nil {
		return errorOutput(c.Kind, err), info, err
	}
	info.Version, info.Digest = p.entry.Version, p.entry.SHA256
	if err := h.openSecrets(&c); err != nil {
		return errorOutput(p.entry.Kind, err), info, err
	}
	var rec *dryRunRecord
	if c.DryRun {
		rec = &dryRunRecord{}
		ctx = withDryRun(ctx, rec)
	}
	start := time.Now()
	out, err := p.run(ctx, c.Input)
	if rec != nil {
		info.WouldReach = rec.list()
	}
	info.Duration = time.Since(start)
	if err != nil {
		return errorOutput(p.entry.Kind, err), info, err
	}
	return out, info, nil
}

func (p *plugin) run(ctx context.Context, in abi.Input) (abi.Output, error) {
	if errs := p.schema.check(in.Config); errs != nil {
		return abi.Output{}, &ConfigError{Plugin: p.entry.Name, Errors: errs}
	}
	var out abi.Output
	if p.callBinary {
		b, err := p.invoke(ctx, abi.ExportCallBinary, abi.AppendInputBinary(make([]byte, 0, 160+len(in.Config)), in), in.Config)
		if err != nil {
			return abi.Output{}, err
		}
		if err := abi.DecodeOutputBinary(b, &out); err != nil {
			return abi.Output{}, fmt.Errorf("plugin %s: decode output: %w", p.entry.Name, err)
		}
	} else {
		input, err := marshalInput(in)
		if err != nil {
			return abi.Output{}, fmt.Errorf("plugin %s: encode input: %w", p.entry.Name, err)
		}
		b, err := p.invoke(ctx, abi.ExportCall, input, in.Config)
		if err != nil {
			return abi.Output{}, err
		}
		if err := unmarshalOutput(b, &out); err != nil {
			return abi.Output{}, fmt.Errorf("plugin %s: decode output: %w", p.entry.Name, err)
		}
	}
	if err := out.ValidFor(p.entry.Kind); err != nil {
		return abi.Output{}, fmt.Errorf("plugin %s: %w", p.entry.Name, err)
	}
	return out, nil
}

// invoke runs one export on a pooled instance under the plugin's deadline
// and discards the instance on any failure.
func (p *plugin) invoke(ctx context.Context, export string, input []byte, config json.RawMessage) ([]byte, error) {
	// Waiting for a free instance is bounded by the caller's context only;
	// the plugin's time limit starts when its code does.
	inst, err := p.pool.get(ctx)
	if err != nil {
		return nil, fmt.Errorf("plugin %s: wait for an instance: %w", p.entry.Name, err)
	}
	timeout := time.Duration(p.limits.TimeoutMS) * time.Millisecond
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	st := &callState{plugin: p, config: config, dryRun: dryRunFrom(ctx)}
	b, err := inst.invoke(withCallState(cctx, st), inst.export(export), input, p.limits.OutputBytes)
	if err != nil {
		p.pool.discard(inst)
		p.log.Warn("plugin call failed; instance discarded", "export", export, "err", err)
		err = p.explain(cctx, export, err, timeout)
		return nil, err
	}
	p.pool.put(inst)
	return b, nil
}

// explain turns a wazero error into one that says what happened.
func (p *plugin) explain(ctx context.Context, export string, err error, timeout time.Duration) error {
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		switch exit.ExitCode() {
		case sys.ExitCodeDeadlineExceeded:
			// deadlinePassed, not ctx.Err(): a tick may trap before the
			// context's timer has fired (see tick).
			if deadlinePassed(ctx) && (ctx.Err() == nil || context.Cause(ctx) == context.DeadlineExceeded) {
				return fmt.Errorf("plugin %s: %s: deadline exceeded (limit %s or the caller's deadline): %w", p.entry.Name, export, timeout, context.DeadlineExceeded)
			}
		case sys.ExitCodeContextCanceled:
			return fmt.Errorf("plugin %s: %s: canceled: %w", p.entry.Name, export, context.Canceled)
		default:
			return fmt.Errorf("plugin %s: %s: module exited with code %d (a panic in Go exits 2)", p.entry.Name, export, exit.ExitCode())
		}
	}
	return fmt.Errorf("plugin %s: %s trapped: %w", p.entry.Name, export, trapError{err})
}

// trapError keeps wazero's error for errors.As/Is but shows only its first
// line: the wasm stack trace goes to the log, not into a monitor's message.
type trapError struct{ err error }

func (e trapError) Error() string {
	s, _, _ := strings.Cut(e.err.Error(), "\n")
	return s
}

func (e trapError) Unwrap() error { return e.err }

// errorOutput is the Output recorded for a call that could not produce one.
func errorOutput(kind abi.Kind, err error) abi.Output {
	if kind == abi.KindReaction {
		return abi.Output{Status: abi.StatusFailed, Message: err.Error()}
	}
	return abi.Output{Status: abi.StatusUnknown, Message: err.Error()}
}

// disableCallBinary makes plugins loaded while it is set use runbook_call
// even when they export runbook_call_bin (tests compare the two).
var disableCallBinary bool
