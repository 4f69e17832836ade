package host

import (
	"errors"
	"fmt"
	"slices"
)

// ErrCurrentVersion is returned by Uninstall for the version new calls
// use: promote another version first.
var ErrCurrentVersion = errors.New("is the current version")

// Uninstall unloads name@version, which must not be current: a version a
// push staged and then gave up on, whose compiled module (~40 MB) would
// otherwise stay until evicted. New calls (also pinned ones) stop finding
// it at once; calls already running finish on it first, as with an
// eviction, and its runtime is closed after (at most its time limit
// later). Unloading a version that is not loaded is ErrUnknownPlugin.
func (h *Host) Uninstall(name, version string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return fmt.Errorf("uninstall %s@%s: host is closed", name, version)
	}
	ps := h.plugins[name]
	i := slices.IndexFunc(ps, func(p *plugin) bool { return p.entry.Version == version })
	if i < 0 {
		return fmt.Errorf("uninstall %s@%s: %w", name, version, ErrUnknownPlugin)
	}
	if i == 0 {
		return fmt.Errorf("uninstall %s@%s: %w (new calls use it; promote another version first)", name, version, ErrCurrentVersion)
	}
	h.retireLater([]*plugin{ps[i]}, "uninstalled") // under h.mu, as retireLater requires
	h.plugins[name] = slices.Delete(slices.Clone(ps), i, i+1)
	return nil
}
