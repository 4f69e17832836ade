package host

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/lock"
)

// KeepVersions bounds how many versions of one plugin stay loaded after an
// Install or Promote: the current one plus the most recent previous ones,
// which is what pinned monitors and a rollback need without every push a
// zone ever saw holding a runtime (~40 MB compiled, plus instances)
// forever. What is unloaded beyond it is chosen by keep (never the
// current version, the previous one, the one being installed, or a
// version from the lock), so it may be exceeded.
const KeepVersions = 3

// Install loads one plugin version from bytes fetched at run time (the
// store, a zone's Redis) beside the versions already serving. It does not
// make it current: Promote does, so a refused module never touches what
// serves. It refuses, naming the plugin, version and reason:
//   - bytes whose sha256 is not the entry's (a *lock.MismatchError);
//   - an entry or module speaking another ABI version, or missing exports;
//   - a manifest that is not the entry's name, version and kind;
//   - a manifest asking for a capability the entry does not grant;
//   - a module that does not compile or initialise.
//
// Installing a version already loaded with the same digest is a no-op;
// the same version with another digest is refused (versions are what
// monitors pin, so one version must mean one module).
func (h *Host) Install(ctx context.Context, e lock.Entry, wasm []byte) error {
	if err := checkInstallEntry(e); err != nil {
		return err
	}
	if err := e.Verify(wasm); err != nil {
		return fmt.Errorf("install: %w", err)
	}
	if done, err := h.installed(e); done || err != nil {
		return err
	}
	p := &plugin{
		h:      h,
		entry:  e,
		limits: h.cfg.effectiveLimits(e.Limits),
		log:    h.log.With("plugin", e.Name, "version", e.Version, "digest", e.SHA256),
		// Not current until promoted: staging must not push out what
		// serves or what a rollback returns to (keep).
		installed: true, staged: true,
	}
	start := time.Now()
	if err := p.initWasm(ctx, wasm); err != nil {
		p.close(ctx)
		return fmt.Errorf("install: %w", err)
	}
	if err := checkGranted(e, p.manifest); err != nil {
		p.close(ctx)
		return fmt.Errorf("install: %w", err)
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		p.close(ctx)
		return fmt.Errorf("install %s@%s: host is closed", e.Name, e.Version)
	}
	h.retireLater(h.addVersion(p), "beyond the versions kept")
	h.mu.Unlock()
	p.log.Info("plugin installed", "kind", p.manifest.Kind, "duration", time.Since(start))
	return nil
}

// Promote makes name@version the current version: calls without a pinned
// version use it from now on. Calls already running hold their *plugin and
// finish on the version they started with.
func (h *Host) Promote(name, version string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	evicted, err := h.promote(name, version)
	h.retireLater(evicted, "beyond the versions kept")
	return err
}

// promote moves version first and trims what a promotion made
// unprotected (the version before the previous). Callers hold h.mu.
func (h *Host) promote(name, version string) (evicted []*plugin, err error) {
	if h.closed {
		return nil, fmt.Errorf("promote %s@%s: host is closed", name, version)
	}
	ps := h.plugins[name]
	i := slices.IndexFunc(ps, func(p *plugin) bool { return p.entry.Version == version })
	if i < 0 {
		return nil, fmt.Errorf("promote %s@%s: %w", name, version, ErrUnknownPlugin)
	}
	if ps[i].err != nil {
		return nil, fmt.Errorf("promote %s@%s: not loaded: %w", name, version, ps[i].err)
	}
	if i == 0 {
		return nil, nil
	}
	// Move to the front keeping the others' order: the old current becomes
	// the most recent previous version, first in line for a rollback.
	p := ps[i]
	copy(ps[1:i+1], ps[:i])
	ps[0] = p
	p.staged = false
	p.log.Info("plugin promoted to current")
	ps, evicted = keep(ps, nil)
	h.plugins[name] = ps
	return evicted, nil
}

// Current reports the version and digest new calls to name use.
func (h *Host) Current(name string) (version, digest string, ok bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	ps := h.plugins[name]
	if len(ps) == 0 {
		return "", "", false
	}
	return ps[0].entry.Version, ps[0].entry.SHA256, true
}

// ErrVersionConflict is returned by Install for a version already loaded
// with other bytes.
var ErrVersionConflict = errors.New("version already loaded with another digest")

// installed says whether e is already loaded. A version that failed to
// load at start (its file was missing) may be installed over.
func (h *Host) installed(e lock.Entry) (bool, error) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.closed {
		return false, fmt.Errorf("install %s@%s: host is closed", e.Name, e.Version)
	}
	for _, p := range h.plugins[e.Name] {
		if p.entry.Version != e.Version || p.err != nil {
			continue
		}
		if p.entry.SHA256 == e.SHA256 {
			return true, nil
		}
		return false, fmt.Errorf("install %s@%s: loaded with sha256 %s, offered %s: %w (bump the version)",
			e.Name, e.Version, p.entry.SHA256, e.SHA256, ErrVersionConflict)
	}
	return false, nil
}

// addVersion places p right after the current version (or first, for a
// new plugin), replaces a broken entry of the same version, and returns
// what keep unloads. Callers hold h.mu.
func (h *Host) addVersion(p *plugin) (evicted []*plugin) {
	ps := h.plugins[p.entry.Name]
	var broken []*plugin
	ps = slices.DeleteFunc(ps, func(o *plugin) bool {
		if o.entry.Version == p.entry.Version {
			broken = append(broken, o)
			return true
		}
		return false
	})
	if len(ps) == 0 {
		ps = []*plugin{p}
	} else {
		ps = slices.Insert(ps, 1, p)
	}
	ps, evicted = keep(ps, p)
	h.plugins[p.entry.Name] = ps
	return append(evicted, broken...)
}

// keep trims one plugin's versions (current first) towards KeepVersions
// and returns the rest. It never unloads the current version, the
// previous one (the first after it that has been current: what a
// rollback returns to), just (being installed), or a version loaded from
// the lock (a monitor may pin it: the lock is how a pin is guaranteed to
// be loaded). Staged versions (installed, never promoted: a push in
// progress or one that gave up) go first, oldest first, so staging
// never pushes out what served; then the oldest of the others.
func keep(ps []*plugin, just *plugin) (kept, evicted []*plugin) {
	prev := slices.IndexFunc(ps[min(1, len(ps)):], func(p *plugin) bool { return !p.staged && p != just }) + 1
	unloadable := func(i int, p *plugin) bool {
		return i > 0 && i != prev && p != just && p.installed
	}
	for _, stagedPass := range []bool{true, false} {
		for i := len(ps) - 1; i > 0 && len(ps) > KeepVersions; i-- {
			if p := ps[i]; unloadable(i, p) && p.staged == stagedPass {
				evicted = append(evicted, p)
				ps = slices.Delete(slices.Clone(ps), i, i+1)
				if i < prev {
					prev--
				}
			}
		}
	}
	return ps, evicted
}

// retireLater retires ps in the background. Callers hold h.mu (so Close,
// which waits for them, cannot have started).
func (h *Host) retireLater(ps []*plugin, why string) {
	h.retiring.Add(len(ps))
	for _, p := range ps {
		go func() {
			defer h.retiring.Done()
			p.retire(why)
		}()
	}
}

// retire closes an unloaded version once its calls are done. A running
// call holds an instance, so "every live instance is idle" means none is
// running; the plugin's own time limit bounds how long one can run, so
// waiting longer than that means the call is stuck and is cut short, as
// it is when the host closes.
func (p *plugin) retire(why string) {
	if p.pool != nil {
		wait := time.Duration(p.limits.TimeoutMS)*time.Millisecond + time.Second
		for deadline := time.Now().Add(wait); time.Now().Before(deadline) && !p.h.isClosed(); {
			if live, idle := p.pool.stats(); live == idle {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	p.close(context.Background())
	p.log.Info("plugin version unloaded", "why", why)
}

func (h *Host) isClosed() bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.closed
}

// checkInstallEntry checks the entry's fields before any bytes are looked
// at. Path is optional: run-time installs come from the store, not a file.
func checkInstallEntry(e lock.Entry) error {
	if e.Path == "" {
		e.Path = "(store)"
	}
	if err := e.Validate(); err != nil {
		return fmt.Errorf("install: %w", err)
	}
	if e.ABI != abi.Version {
		return fmt.Errorf("install %s@%s: entry says ABI v%d, host speaks ABI v%d", e.Name, e.Version, e.ABI, abi.Version)
	}
	return nil
}

// checkGranted refuses a module whose manifest asks for a non-ambient
// capability the entry does not grant. At start the host loads such a
// plugin with the capability denied per call (the lock is reviewed by
// hand); a run-time install is refused instead, so a push that would
// break every call fails loudly, once, where the operator sees it.
func checkGranted(e lock.Entry, m abi.Manifest) error {
	var missing []string
	for _, c := range m.Capabilities {
		if cp, ok := capability(c); ok && cp.Ambient {
			continue
		}
		if !slices.Contains(e.Capabilities, c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("plugin %s@%s: manifest asks for capabilities %v not granted (granted %v)",
			e.Name, e.Version, missing, e.Capabilities)
	}
	return nil
}
