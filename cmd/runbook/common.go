package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/tetratelabs/wazero"

	"github.com/runbookhq/runbook/cmd/runbook/internal/node"
	"github.com/runbookhq/runbook/engine/secret"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/store/storeurl"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/zones"
)

// shared flags of the component commands.
type common struct {
	store    string
	zoneDir  string
	zoneFile string
	lockFile string
	cacheDir string
	logJSON  bool
	logLevel string
}

func (c *common) register(fs *flag.FlagSet, defaultStore string) {
	fs.StringVar(&c.store, "store", defaultStore, "store: bolt:PATH or rethinkdb://USER:PASS@HOST:PORT/DB")
	fs.StringVar(&c.zoneDir, "zones", "", "directory of zone files (*.yaml)")
	fs.StringVar(&c.zoneFile, "zone", "", "one zone file")
	fs.StringVar(&c.lockFile, "lock", "plugins.lock", "plugins.lock of the plugins this deployment may load")
	fs.StringVar(&c.cacheDir, "wasm-cache", "", "directory for wazero's compilation cache (default: none; for up, DATA/wasm-cache)")
	fs.BoolVar(&c.logJSON, "log-json", false, "log JSON lines instead of text")
	fs.StringVar(&c.logLevel, "log-level", "info", "debug, info, warn or error")
}

func (c *common) logger() *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(c.logLevel))
	o := &slog.HandlerOptions{Level: lvl}
	if c.logJSON {
		return slog.New(slog.NewJSONHandler(os.Stderr, o))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, o))
}

func (c *common) zones() ([]zones.Config, error) {
	switch {
	case c.zoneFile != "":
		z, err := zones.LoadFile(c.zoneFile)
		return []zones.Config{z}, err
	case c.zoneDir != "":
		return zones.LoadDir(c.zoneDir)
	}
	return nil, fmt.Errorf("name the zone with -zone FILE or -zones DIR")
}

func (c *common) openStore(ctx context.Context) (store.Store, error) {
	if dir := filepath.Dir(trimScheme(c.store)); dir != "" {
		_ = os.MkdirAll(dir, 0o700)
	}
	return storeurl.Open(ctx, c.store)
}

func trimScheme(u string) string {
	if len(u) > 5 && u[:5] == "bolt:" {
		return u[5:]
	}
	return ""
}

// hosts opens the compilation cache and makes the process's first plugin
// host with zone z's limits, plus a maker for the hosts of further zones:
// one host per zone (so a push to one zone changes no other), one cache
// for all (so a module compiles once per process). closeAll closes the
// first host and the cache; node.Run closes the hosts it makes.
func (c *common) hosts(ctx context.Context, log *slog.Logger, box *secret.Box, z zones.Config) (first *host.Host, more func(context.Context, zones.Config) (*host.Host, error), closeAll func(), err error) {
	cfg := host.Config{LockFile: c.lockFile, Logger: log, Secrets: box}
	if c.cacheDir != "" {
		cfg.Cache, err = wazero.NewCompilationCacheWithDir(c.cacheDir)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("opening wasm cache %s: %w", c.cacheDir, err)
		}
		// Instrumented modules are kept beside the compiled code, so a
		// restart (or another process on this cache) loads warm.
		cfg.CacheDir = c.cacheDir
	} else {
		cfg.Cache = wazero.NewCompilationCache()
	}
	closeCache := func() { _ = cfg.Cache.Close(context.Background()) }
	first, err = newHost(ctx, log, cfg, z)
	if err != nil {
		closeCache()
		return nil, nil, nil, err
	}
	more = func(ctx context.Context, z zones.Config) (*host.Host, error) {
		return newHost(ctx, log.With("zone", z.Name), cfg, z)
	}
	closeAll = func() { _ = first.Close(context.Background()); closeCache() }
	return first, more, closeAll, nil
}

func newHost(ctx context.Context, log *slog.Logger, cfg host.Config, z zones.Config) (*host.Host, error) {
	if z.Name != "" {
		cfg = node.HostConfig(cfg, z)
	}
	h, err := host.New(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("loading plugins from %s: %w", cfg.LockFile, err)
	}
	for _, p := range h.Plugins() {
		if p.Err != nil {
			log.Error("plugin not serving: its monitors report unknown", "plugin", p.Name, "version", p.Version, "digest", p.Digest, "err", p.Err)
		}
	}
	return h, nil
}

// envBox is the secret Box of a multi-process deployment: every process
// reads the same RUNBOOK_SECRET_KEY. Without it, objects with secrets fail
// their calls with a reason that names the variable.
func envBox(log *slog.Logger) (*secret.Box, error) {
	if os.Getenv(secret.EnvKey) == "" {
		log.Warn("no " + secret.EnvKey + ": monitors and reactions with secrets cannot run here")
		return nil, nil
	}
	return secret.LoadBox("")
}
