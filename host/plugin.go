package host

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/lock"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// plugin is one locked plugin version: loaded and serving, or broken with
// the reason in err.
type plugin struct {
	h        *Host
	entry    lock.Entry
	err      error
	log      *slog.Logger
	limits   lock.Limits
	manifest abi.Manifest
	// allowed are the capabilities both asked for and granted.
	allowed     map[string]bool
	hasValidate bool
	// callBinary: the module exports runbook_call_bin, which run uses.
	callBinary bool
	schema     *configSchema // the manifest's config schema, compiled at load
	targets    targetCache   // each config's target (targetcache.go)
	// enforcement says how the deadline stops guest code (deadline.go).
	enforcement string
	runtime     wazero.Runtime
	compiled    wazero.CompiledModule
	pool        *pool
	// installed: loaded at run time (Install), not from the lock, so it
	// may be unloaded; staged: installed and never current yet
	// (install.go's keep policy).
	installed, staged bool
}

// load compiles and initialises one plugin version. Its error is kept on
// the plugin rather than failing the Host: other plugins keep serving.
func (h *Host) load(ctx context.Context, e lock.Entry) *plugin {
	p := &plugin{
		h:      h,
		entry:  e,
		limits: h.cfg.effectiveLimits(e.Limits),
		log:    h.log.With("plugin", e.Name, "version", e.Version, "digest", e.SHA256),
	}
	start := time.Now()
	if err := p.init(ctx); err != nil {
		p.err = err
		p.log.Error("plugin failed to load", "err", err)
		if p.runtime != nil {
			_ = p.runtime.Close(ctx)
		}
		return p
	}
	p.log.Info("plugin loaded", "kind", p.manifest.Kind, "duration", time.Since(start))
	return p
}

func (p *plugin) init(ctx context.Context) error {
	e := p.entry
	if e.ABI != abi.Version {
		return fmt.Errorf("plugin %s@%s: plugins.lock says ABI v%d, host speaks ABI v%d", e.Name, e.Version, e.ABI, abi.Version)
	}
	wasm, err := e.Read(p.h.dir)
	if err != nil {
		return err // already names the plugin (and both digests on mismatch)
	}
	return p.initWasm(ctx, wasm)
}

// initWasm loads verified bytes: from the lock's file (init) or from the
// store at run time (Install).
func (p *plugin) initWasm(ctx context.Context, wasm []byte) error {
	e := p.entry
	inst, m, err := p.start(ctx, wasm)
	if err != nil {
		return fmt.Errorf("plugin %s@%s: %w", e.Name, e.Version, err)
	}
	if err := matchManifest(e, m); err != nil {
		inst.close(ctx)
		return err
	}
	if p.schema, err = compileConfigSchema(m.Config); err != nil {
		inst.close(ctx)
		return fmt.Errorf("plugin %s@%s: %w", e.Name, e.Version, err)
	}
	p.manifest = m
	p.allowed = map[string]bool{}
	for _, c := range m.Capabilities {
		if slices.Contains(e.Capabilities, c) {
			p.allowed[c] = true
		}
	}
	p.pool = newPool(p.h.cfg.PoolSize, p.create, func(i *instance) { i.close(context.Background()) })
	p.pool.add(inst)
	return nil
}

// start compiles wasm in a fresh runtime, checks its exports, makes the
// first instance and reads the manifest.
func (p *plugin) start(ctx context.Context, wasm []byte) (*instance, abi.Manifest, error) {
	// The digest was checked on the module as locked; what is compiled may
	// be its instrumented form (deterministic, so the compilation cache,
	// keyed by the bytes compiled, still hits on every later load).
	wasm, p.enforcement = prepareDeadline(wasm, deadlineEnforcement, p.h.cfg.CacheDir, p.log)
	rc := wazero.NewRuntimeConfig().
		WithCompilationCache(p.h.cache).
		WithMemoryLimitPages(uint32(p.limits.MemoryMiB) * 16). // 64 KiB pages
		// Only the fallback pays for wazero's per-iteration context check.
		WithCloseOnContextDone(p.enforcement == enforceCloseOnContextDone)
	p.runtime = wazero.NewRuntimeWithConfig(ctx, rc)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, p.runtime); err != nil {
		return nil, abi.Manifest{}, fmt.Errorf("instantiate WASI: %w", err)
	}
	if err := p.h.instantiateHostModule(ctx, p.runtime); err != nil {
		return nil, abi.Manifest{}, fmt.Errorf("instantiate host module: %w", err)
	}
	var err error
	p.compiled, err = p.runtime.CompileModule(ctx, wasm)
	if err != nil {
		return nil, abi.Manifest{}, fmt.Errorf("compile: %w", err)
	}
	has, err := checkExports(p.compiled)
	if err != nil {
		return nil, abi.Manifest{}, err
	}
	p.hasValidate, p.callBinary = has.validate, has.callBinary && !disableCallBinary
	// The first instance gets the bound every pool instance gets (see
	// create); only reading the manifest is held to the call deadline.
	ictx, icancel := context.WithTimeout(ctx, p.instantiateBound())
	defer icancel()
	inst, err := p.newInstance(withCallState(ictx, &callState{plugin: p}))
	if err != nil {
		return nil, abi.Manifest{}, err
	}
	mctx, cancel := context.WithTimeout(ctx, time.Duration(p.limits.TimeoutMS)*time.Millisecond)
	defer cancel()
	m, err := inst.manifest(withCallState(mctx, &callState{plugin: p}))
	if err != nil {
		inst.close(ctx)
		return nil, abi.Manifest{}, err
	}
	return inst, m, nil
}

// create makes a pool instance. Instantiation must not be cut short by the
// first caller's deadline being near, yet must not hang: it gets its own
// timeout derived from the plugin's limit.
func (p *plugin) create(ctx context.Context) (*instance, error) {
	// Instantiating runs the module's _initialize: host work that a short
	// check timeout should not cut off (on a loaded machine it can take a
	// second), yet bounded so a module that loops at start cannot hang.
	ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.instantiateBound())
	defer cancel()
	inst, err := p.newInstance(withCallState(ictx, &callState{plugin: p}))
	if err != nil {
		return nil, fmt.Errorf("plugin %s@%s: %w", p.entry.Name, p.entry.Version, err)
	}
	return inst, nil
}

// instantiateBound is how long making one instance may take: never less
// than the plugin's call timeout, and at least 30 s, because a compile or
// an _initialize starved of CPU on a loaded machine is not a hostile loop.
func (p *plugin) instantiateBound() time.Duration {
	return max(time.Duration(p.limits.TimeoutMS)*time.Millisecond, 30*time.Second)
}

// matchManifest checks the module is the plugin the lock says it is.
func matchManifest(e lock.Entry, m abi.Manifest) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("plugin %s@%s: %w", e.Name, e.Version, err)
	}
	if m.Name != e.Name || m.Version != e.Version || m.Kind != e.Kind {
		return fmt.Errorf("plugin %s@%s: module's manifest says %s@%s (%s), plugins.lock says %s@%s (%s)",
			e.Name, e.Version, m.Name, m.Version, m.Kind, e.Name, e.Version, e.Kind)
	}
	return nil
}

func (p *plugin) close(ctx context.Context) {
	if p.runtime != nil {
		_ = p.runtime.Close(ctx) // closes every instance too
	}
}
