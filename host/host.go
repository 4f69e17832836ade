package host

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/lock"
	"github.com/tetratelabs/wazero"
)

// Host loads locked plugins and runs calls on them. It is safe for
// concurrent use.
type Host struct {
	cfg       Config
	log       *slog.Logger
	dir       string
	cache     wazero.CompilationCache
	ownCache  bool
	transport *transports

	mu      sync.RWMutex
	plugins map[string][]*plugin // by name; current version first
	closed  bool
	// retiring counts unloaded versions still waiting for their calls
	// (retireLater); Close waits for them before closing the cache.
	retiring sync.WaitGroup
}

// New loads every plugin in the lock. It fails only when the lock itself
// cannot be read; a plugin that fails to load is recorded (see Plugins)
// and its calls return the reason.
func New(ctx context.Context, cfg Config) (*Host, error) {
	cfg = cfg.withDefaults()
	h := &Host{cfg: cfg, log: cfg.Logger, plugins: map[string][]*plugin{}, transport: newTransports()}
	entries := cfg.Entries
	h.dir = cfg.PluginDir
	if entries == nil && cfg.LockFile != "" {
		f, err := lock.Load(cfg.LockFile)
		if err != nil {
			return nil, fmt.Errorf("new host: %w", err)
		}
		entries = f.Plugins
		if h.dir == "" {
			h.dir = filepath.Dir(cfg.LockFile)
		}
	}
	if h.dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, fmt.Errorf("new host: plugin dir: %w", err)
		}
		h.dir = wd
	}
	switch {
	case cfg.Cache != nil:
		h.cache = cfg.Cache
	case cfg.CacheDir != "":
		c, err := wazero.NewCompilationCacheWithDir(cfg.CacheDir)
		if err != nil {
			return nil, fmt.Errorf("new host: compilation cache %s: %w", cfg.CacheDir, err)
		}
		h.cache, h.ownCache = c, true
	default:
		h.cache, h.ownCache = wazero.NewCompilationCache(), true
	}
	// Compiling is CPU-bound and about a second per module cold: load on
	// every core, then file the results in lock order (current first).
	loaded := make([]*plugin, len(entries))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, e := range entries {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			loaded[i] = h.load(ctx, e)
		}()
	}
	wg.Wait()
	for i, e := range entries {
		h.plugins[e.Name] = append(h.plugins[e.Name], loaded[i])
	}
	return h, nil
}

// CompilationCache is the cache this Host compiles into, for tools that
// inspect modules the Host may load later (a plugin push).
func (h *Host) CompilationCache() wazero.CompilationCache { return h.cache }

// Close closes every plugin runtime (and the cache if the Host made it).
// Calls in flight fail; later calls return an error.
func (h *Host) Close(ctx context.Context) error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	for _, ps := range h.plugins {
		for _, p := range ps {
			p.close(ctx)
		}
	}
	h.mu.Unlock()
	// Unloaded versions close their own runtimes; they stop waiting for
	// calls once the host is closed, and must be done before the cache.
	h.retiring.Wait()
	h.transport.close()
	if h.ownCache {
		return h.cache.Close(ctx)
	}
	return nil
}

// PluginInfo describes one locked plugin version.
type PluginInfo struct {
	Name, Version string
	Kind          abi.Kind
	Digest        string
	Current       bool
	Manifest      abi.Manifest // zero when the plugin failed to load
	// Allowed are the capabilities the manifest asks for and the lock grants.
	Allowed     []string
	HasValidate bool
	Limits      lock.Limits
	// Deadline says how the call deadline stops guest code:
	// "instrumented" (the module counts down to a host tick), or
	// "close-on-context-done" (wazero's per-iteration check; the fallback
	// for modules that cannot be instrumented, reason in the log).
	Deadline string
	// Err is why the plugin is not serving; nil when it is.
	Err             error
	Instances, Idle int
}

// Plugins lists every locked plugin version, sorted by name, current first.
func (h *Host) Plugins() []PluginInfo {
	h.mu.RLock()
	defer h.mu.RUnlock()
	var out []PluginInfo
	for _, ps := range h.plugins {
		for i, p := range ps {
			info := PluginInfo{
				Name: p.entry.Name, Version: p.entry.Version, Kind: p.entry.Kind, Digest: p.entry.SHA256,
				Current: i == 0, Manifest: p.manifest, HasValidate: p.hasValidate, Limits: p.limits, Err: p.err,
				Deadline: p.enforcement,
			}
			for c := range p.allowed {
				info.Allowed = append(info.Allowed, c)
			}
			slices.Sort(info.Allowed)
			if p.pool != nil {
				info.Instances, info.Idle = p.pool.stats()
			}
			out = append(out, info)
		}
	}
	sortInfos(out)
	return out
}

// ErrUnknownPlugin is returned for a plugin (or version) not in the lock.
var ErrUnknownPlugin = errors.New("plugin not in plugins.lock")

// lookup finds a serving plugin version.
func (h *Host) lookup(name, version string, kind abi.Kind) (*plugin, error) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.closed {
		return nil, errors.New("host is closed")
	}
	for i, p := range h.plugins[name] {
		if (version == "" && i == 0) || p.entry.Version == version {
			if p.err != nil {
				return nil, fmt.Errorf("plugin %s@%s is not loaded: %w", name, p.entry.Version, p.err)
			}
			if kind != "" && p.entry.Kind != kind {
				return nil, fmt.Errorf("plugin %s@%s is a %s, not a %s", name, p.entry.Version, p.entry.Kind, kind)
			}
			return p, nil
		}
	}
	if version != "" {
		return nil, fmt.Errorf("%s@%s: %w", name, version, ErrUnknownPlugin)
	}
	return nil, fmt.Errorf("%s: %w", name, ErrUnknownPlugin)
}
