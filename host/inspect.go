package host

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/lock"
	"github.com/tetratelabs/wazero"
)

// Info is what Inspect learns about a module without a lock entry.
type Info struct {
	Manifest    abi.Manifest
	Digest      string // lower-case hex sha256, as in plugins.lock
	Size        int
	HasValidate bool
}

// Inspect checks a module's ABI marker and exports, instantiates it once
// to read its manifest, and validates the manifest. It grants nothing:
// host calls made while initialising are denied. cache may be nil.
func Inspect(ctx context.Context, wasm []byte, cache wazero.CompilationCache) (Info, error) {
	info := Info{Digest: lock.Digest(wasm), Size: len(wasm)}
	h := &Host{cfg: Config{}.withDefaults(), log: slog.New(slog.NewTextHandler(io.Discard, nil)), transport: newTransports(), cache: cache}
	if cache == nil {
		h.cache = wazero.NewCompilationCache()
		defer h.cache.Close(ctx)
	}
	p := &plugin{h: h, entry: lock.Entry{Name: "(inspect)", SHA256: info.Digest}, limits: h.cfg.Limits, log: h.log}
	defer p.close(ctx)
	inst, m, err := p.start(ctx, wasm)
	if err != nil {
		return info, fmt.Errorf("inspect module %s: %w", info.Digest, err)
	}
	inst.close(ctx)
	if err := m.Validate(); err != nil {
		return info, fmt.Errorf("inspect module %s: %w", info.Digest, err)
	}
	info.Manifest, info.HasValidate = m, p.hasValidate
	return info, nil
}
