package plugintool

import (
	"context"
	"fmt"
	"os"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/lock"
	"github.com/tetratelabs/wazero"
)

// Inspect reads a module's manifest, digest and exports.
func Inspect(ctx context.Context, wasmPath string, cache wazero.CompilationCache) (host.Info, error) {
	wasm, err := os.ReadFile(wasmPath)
	if err != nil {
		return host.Info{}, fmt.Errorf("inspect: %w", err)
	}
	return host.Inspect(ctx, wasm, cache)
}

// Run runs one check or reaction from a .wasm file, granting it exactly
// the capabilities its manifest asks for (the developer runs their own
// module; the target policy still applies). cfg.LockFile and
// cfg.Entries are ignored.
func Run(ctx context.Context, wasmPath string, in abi.Input, cfg host.Config) (abi.Output, host.CallInfo, error) {
	if cfg.Cache == nil { // inspect and load compile once
		cfg.Cache = wazero.NewCompilationCache()
		defer cfg.Cache.Close(ctx)
	}
	e, err := Entry(ctx, wasmPath, "", cfg.Cache)
	if err != nil {
		return abi.Output{}, host.CallInfo{}, err
	}
	e.Path = wasmPath
	cfg.LockFile, cfg.Entries = "", []lock.Entry{e}
	if cfg.PoolSize == 0 {
		cfg.PoolSize = 1
	}
	h, err := host.New(ctx, cfg)
	if err != nil {
		return abi.Output{}, host.CallInfo{}, err
	}
	defer h.Close(ctx)
	return h.Call(ctx, host.Call{Plugin: e.Name, Input: in})
}
