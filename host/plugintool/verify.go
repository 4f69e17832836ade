package plugintool

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/tetratelabs/wazero"

	"github.com/runbookhq/runbook/host"
)

// Verify loads every plugin in the lock exactly as a worker would (digest,
// ABI, exports, manifest against the entry) and reports each. The error
// is non-nil when the lock cannot be read or any plugin fails. cache (may
// be nil) saves recompiling modules already compiled once: a cold compile
// is about a second per module.
func Verify(ctx context.Context, lockFile string, cache wazero.CompilationCache) ([]host.PluginInfo, error) {
	h, err := host.New(ctx, host.Config{
		LockFile: lockFile,
		Cache:    cache,
		PoolSize: 1,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		return nil, err
	}
	defer h.Close(ctx)
	infos := h.Plugins()
	var errs []error
	for _, in := range infos {
		if in.Err != nil {
			errs = append(errs, in.Err)
		}
	}
	if len(errs) > 0 {
		return infos, fmt.Errorf("verify %s: %w", lockFile, errors.Join(errs...))
	}
	return infos, nil
}
