package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"github.com/tetratelabs/wazero"
	"os"
	"path/filepath"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/plugintool"
)

var pluginCommands = map[string]func(context.Context, []string) error{
	"build":    pluginBuild,
	"lock":     pluginLock,
	"verify":   pluginVerify,
	"inspect":  pluginInspect,
	"run":      pluginRun,
	"push":     pluginPush,
	"rollback": pluginRollback,
	"export":   pluginExport,
}

func cmdPlugin(ctx context.Context, args []string) error {
	if len(args) == 0 || pluginCommands[args[0]] == nil {
		return fmt.Errorf("usage: runbook plugin build|lock|verify|inspect|run|push|rollback|export ...")
	}
	return pluginCommands[args[0]](ctx, args[1:])
}

func pluginBuild(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("plugin build", flag.ExitOnError)
	root := fs.String("root", ".", "repository root (holds plugins/)")
	out := fs.String("out", "build/plugins", "output directory for .wasm files")
	_ = fs.Parse(args)
	paths, err := plugintool.Build(ctx, *root, *out, fs.Args()...)
	for _, p := range paths {
		fmt.Println(p)
	}
	return err
}

func pluginLock(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("plugin lock", flag.ExitOnError)
	lockFile := fs.String("lock", "plugins.lock", "lock file to write")
	dir := fs.String("dir", "build/plugins", "directory of .wasm files to lock (when no files are named)")
	_ = fs.Parse(args)
	files := fs.Args()
	if len(files) == 0 {
		m, err := filepath.Glob(filepath.Join(*dir, "*.wasm"))
		if err != nil {
			return err
		}
		files = m
	}
	if len(files) == 0 {
		return fmt.Errorf("no .wasm files in %s: run `runbook plugin build` first", *dir)
	}
	cache, closeCache := toolCache()
	defer closeCache()
	f, err := plugintool.Lock(ctx, plugintool.LockOptions{LockFile: *lockFile, Wasm: files, Cache: cache})
	if err != nil {
		return err
	}
	fmt.Printf("%s: %d plugins locked\n", *lockFile, len(f.Plugins))
	return nil
}

func pluginVerify(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("plugin verify", flag.ExitOnError)
	lockFile := fs.String("lock", "plugins.lock", "lock file to check")
	_ = fs.Parse(args)
	cache, closeCache := toolCache()
	defer closeCache()
	infos, err := plugintool.Verify(ctx, *lockFile, cache)
	for _, p := range infos {
		state := "ok"
		if p.Err != nil {
			state = p.Err.Error()
		}
		fmt.Printf("%-16s %-8s %-9s %s  %s\n", p.Name, p.Version, p.Kind, p.Digest, state)
	}
	return err
}

func pluginInspect(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: runbook plugin inspect FILE.wasm")
	}
	cache, closeCache := toolCache()
	defer closeCache()
	info, err := plugintool.Inspect(ctx, args[0], cache)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(info)
}

func pluginRun(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("plugin run", flag.ExitOnError)
	config := fs.String("config", "{}", "config JSON for the plugin")
	monitor := fs.String("monitor", "local-run", "monitor id to pass in the call context")
	status := fs.String("status", "failed", "status to pass to a reaction")
	_ = fs.Parse(args)
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: runbook plugin run [-config JSON] FILE.wasm")
	}
	in := abi.Input{Config: json.RawMessage(*config), Context: abi.CallContext{MonitorID: *monitor, MonitorName: *monitor, Status: *status}}
	out, info, err := plugintool.Run(ctx, fs.Arg(0), in, host.Config{})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		abi.Output
		Digest   string `json:"digest"`
		Duration string `json:"duration"`
	}{out, info.Digest, info.Duration.String()})
}

// toolCache is the compilation cache the plugin subcommands share across
// runs (in the user's cache dir), so verifying 24 locked plugins after a
// one-plugin change recompiles one module, not 24. Without a cache dir it
// is nil: everything still works, only slower.
func toolCache() (wazero.CompilationCache, func()) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return nil, func() {}
	}
	c, err := wazero.NewCompilationCacheWithDir(filepath.Join(dir, "runbook", "wasm"))
	if err != nil {
		return nil, func() {}
	}
	return c, func() { _ = c.Close(context.Background()) }
}
