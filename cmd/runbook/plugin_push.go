package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tetratelabs/wazero"

	"github.com/runbookhq/runbook/engine/rollout"
	"github.com/runbookhq/runbook/engine/store/storeurl"
	"github.com/runbookhq/runbook/host/lock"
)

const defaultStoreURL = "bolt:./data/runbook.db"

// splitList turns "a,b" into [a b]; "" is nil.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func pluginPush(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("plugin push", flag.ExitOnError)
	storeURL := fs.String("store", defaultStoreURL, "store: bolt:PATH or rethinkdb://USER:PASS@HOST:PORT/DB")
	zoneList := fs.String("zones", "", "zones to make this version current in, comma-separated (required: roll out zone by zone)")
	grant := fs.String("grant", "", "capabilities allowed, comma-separated; a module asking for more is refused (default: what its manifest asks)")
	timeoutMS := fs.Int("timeout-ms", 0, "per-call time limit for this version (0: host default)")
	memoryMiB := fs.Int("memory-mib", 0, "memory limit for this version (0: host default)")
	cacheDir := fs.String("wasm-cache", "", "compile into this wazero cache directory; point it at the -wasm-cache the workers and actioners share and they load the version without compiling it again")
	_ = fs.Parse(args)
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: runbook plugin push -zones a,b [-store URL] [-grant http,dns] FILE.wasm")
	}
	wasm, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("push: %w", err)
	}
	o := rollout.PushOptions{Zones: splitList(*zoneList), Actor: cliActor()}
	if *grant != "" {
		o.Grant = splitList(*grant)
	}
	if *timeoutMS > 0 || *memoryMiB > 0 {
		o.Limits = &lock.Limits{TimeoutMS: *timeoutMS, MemoryMiB: *memoryMiB}
	}
	if *cacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(*cacheDir)
		if err != nil {
			return fmt.Errorf("push: -wasm-cache %s: %w", *cacheDir, err)
		}
		defer cache.Close(ctx)
		o.Cache = cache
	}
	st, err := storeurl.Open(ctx, *storeURL)
	if err != nil {
		return err
	}
	defer st.Close()
	e, err := rollout.Push(ctx, st, wasm, o)
	if err != nil {
		return err
	}
	fmt.Printf("%s@%s %s (%s, capabilities %v) current in %s\n", e.Name, e.Version, e.SHA256, e.Kind, e.Capabilities, strings.Join(o.Zones, ", "))
	return nil
}

func pluginRollback(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("plugin rollback", flag.ExitOnError)
	storeURL := fs.String("store", defaultStoreURL, "store: bolt:PATH or rethinkdb://USER:PASS@HOST:PORT/DB")
	zoneList := fs.String("zones", "", "zones to roll back, comma-separated (default: every zone running the plugin)")
	_ = fs.Parse(args)
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: runbook plugin rollback [-zones a,b] [-store URL] NAME")
	}
	st, err := storeurl.Open(ctx, *storeURL)
	if err != nil {
		return err
	}
	defer st.Close()
	rolled, err := rollout.Rollback(ctx, st, fs.Arg(0), splitList(*zoneList), cliActor())
	for _, r := range rolled {
		fmt.Printf("%s: %s %s@%s -> %s@%s\n", r.Zone, fs.Arg(0), r.From.Version, short(r.From.SHA256), r.To.Version, short(r.To.SHA256))
	}
	return err
}

// pluginExport writes plugins.lock (and the modules it names) from the
// store's records: the file form of what the store deploys.
func pluginExport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("plugin export", flag.ExitOnError)
	storeURL := fs.String("store", defaultStoreURL, "store: bolt:PATH or rethinkdb://USER:PASS@HOST:PORT/DB")
	lockFile := fs.String("lock", lock.DefaultFile, "lock file to write")
	zone := fs.String("zone", "", "zone whose current versions come first (default: the first zone running each plugin)")
	_ = fs.Parse(args)
	st, err := storeurl.Open(ctx, *storeURL)
	if err != nil {
		return err
	}
	defer st.Close()
	f, err := rollout.Export(ctx, st, *zone)
	if err != nil {
		return err
	}
	dir := filepath.Dir(*lockFile)
	for _, e := range f.Plugins {
		wasm, err := st.GetPluginBlob(ctx, e.SHA256)
		if err != nil {
			return fmt.Errorf("export %s@%s: %w", e.Name, e.Version, err)
		}
		if err := e.Verify(wasm); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		path := e.Resolve(dir)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("export %s@%s: %w", e.Name, e.Version, err)
		}
		if err := os.WriteFile(path, wasm, 0o644); err != nil {
			return fmt.Errorf("export %s@%s: %w", e.Name, e.Version, err)
		}
	}
	if len(f.Plugins) == 0 {
		return errors.New("export: the store records no plugins (push one first)")
	}
	if err := lock.Write(*lockFile, f); err != nil {
		return err
	}
	fmt.Printf("%s: %d plugin versions exported\n", *lockFile, len(f.Plugins))
	return nil
}

func short(digest string) string {
	if len(digest) > 12 {
		return digest[:12]
	}
	return digest
}

// cliActor names the operator in the audit trail: the CLI has no login,
// so the OS user is the best account of who pushed.
func cliActor() string {
	if u := os.Getenv("USER"); u != "" {
		return "cli:" + u
	}
	return "cli"
}
