package plugintool

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/lock"
	"github.com/tetratelabs/wazero"
)

// LockOptions for Lock.
type LockOptions struct {
	// LockFile to update (created if missing).
	LockFile string
	// Wasm files to lock; paths are stored relative to the lock's directory.
	Wasm []string
	// Cache speeds up repeated inspection (may be nil).
	Cache wazero.CompilationCache
}

// Lock inspects each module and makes it the current entry for its name.
// The grant is what the manifest asks for: the operator reviews it in the
// lock's diff. Limits set by hand on an existing entry of the same name
// are kept. Other plugins' entries are left alone.
func Lock(ctx context.Context, opt LockOptions) (*lock.File, error) {
	f, err := lock.Load(opt.LockFile)
	if errors.Is(err, os.ErrNotExist) {
		f, err = &lock.File{FormatVersion: lock.FormatVersion}, nil
	}
	if err != nil {
		return nil, err
	}
	base, err := filepath.Abs(filepath.Dir(opt.LockFile))
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	for _, path := range opt.Wasm {
		e, err := Entry(ctx, path, base, opt.Cache)
		if err != nil {
			return nil, err
		}
		if old, ok := f.Current(e.Name); ok && old.Limits != nil {
			e.Limits = old.Limits
		}
		f.Put(e)
	}
	if err := lock.Write(opt.LockFile, f); err != nil {
		return nil, err
	}
	return f, nil
}

// Entry builds the lock entry for one module, its path relative to base.
func Entry(ctx context.Context, path, base string, cache wazero.CompilationCache) (lock.Entry, error) {
	wasm, err := os.ReadFile(path)
	if err != nil {
		return lock.Entry{}, fmt.Errorf("lock %s: %w", path, err)
	}
	info, err := host.Inspect(ctx, wasm, cache)
	if err != nil {
		return lock.Entry{}, fmt.Errorf("lock %s: %w", path, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return lock.Entry{}, fmt.Errorf("lock %s: %w", path, err)
	}
	rel := abs
	if r, err := filepath.Rel(base, abs); err == nil {
		rel = filepath.ToSlash(r)
	}
	m := info.Manifest
	caps := append([]string{}, m.Capabilities...)
	return lock.Entry{
		Name: m.Name, Version: m.Version, Kind: m.Kind, ABI: m.ABI,
		SHA256: info.Digest, Path: rel, Capabilities: caps,
	}, nil
}
