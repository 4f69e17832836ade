package host

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
)

// callState is what host functions know about the call in progress. It
// travels in the context wazero hands to host functions, so an instance
// needs no mutable per-call fields of its own.
type callState struct {
	plugin *plugin
	// config is the monitor's config: the source of its target.
	config json.RawMessage
	// pending is the response host_result will copy into the guest.
	pending    []byte
	hasPending bool
	logBudget  int

	targetOnce sync.Once
	target     target
	targetErr  error

	// dryRun, when set, turns every permitted network action into a
	// recorded refusal.
	dryRun *dryRunRecord
}

type callStateKey struct{}

func withCallState(ctx context.Context, st *callState) context.Context {
	st.logBudget = maxLogBytesPerCall
	return context.WithValue(ctx, callStateKey{}, st)
}

func callStateFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(callStateKey{}).(*callState)
	return st
}

// Env is what a capability handler gets about the calling plugin.
type Env struct {
	st *callState
}

// Plugin is the calling plugin's name.
func (e Env) Plugin() string { return e.st.plugin.entry.Name }

// Digest is the calling plugin's sha256.
func (e Env) Digest() string { return e.st.plugin.entry.SHA256 }

// Logger is tagged with plugin, version and digest.
func (e Env) Logger() *slog.Logger { return e.st.plugin.log }

// Config is the monitor's (or reaction's) config of this call.
func (e Env) Config() json.RawMessage { return e.st.config }

// CheckAddress allows a network operation to scheme://host:port only if it
// is the monitor's own target (see Manifest.Target); it returns a denied
// HostError otherwise.
func (e Env) CheckAddress(scheme, host, port string) error {
	t, err := e.st.resolveTarget()
	if err != nil {
		return denied("%v", err)
	}
	if err := t.allows(scheme, host, port); err != nil {
		return err
	}
	return e.st.dryRun.refuse(scheme, host, port)
}

func (st *callState) resolveTarget() (target, error) {
	st.targetOnce.Do(func() {
		st.target, st.targetErr = st.plugin.targets.get(st.plugin.manifest, st.config)
	})
	return st.target, st.targetErr
}
