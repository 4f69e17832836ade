package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
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
	storeURL := fs.String("store", defaultStoreURL, "store: bolt:PATH or rethinkdb://USER:PASS@HOST:PORT/DB (default: through the admin API of a `runbook up` running in this directory, else "+defaultStoreURL+")")
	zoneList := fs.String("zones", "", "zones to make this version current in, comma-separated (required: roll out zone by zone)")
	zoneDir := fs.String("zone-dir", "", "directory of zone files (*.yaml): how to reach each zone's Redis, where its nodes prepare the version before it is promoted")
	zoneFile := fs.String("zone-file", "", "one zone file (instead of -zone-dir)")
	noPrepare := fs.Bool("no-prepare", false, "promote at once without zone files: each node compiles the module at the switch (seconds, not a pointer swap)")
	readyTimeout := fs.Duration("ready-timeout", rollout.DefaultReadyTimeout, "how long every live node of every zone has to prepare the version; past it nothing is promoted")
	grant := fs.String("grant", "", "capabilities allowed, comma-separated; a module asking for more is refused (default: what its manifest asks)")
	timeoutMS := fs.Int("timeout-ms", 0, "per-call time limit for this version (0: host default)")
	memoryMiB := fs.Int("memory-mib", 0, "memory limit for this version (0: host default)")
	lockFile := fs.String("lock", "plugins.lock", "the plugins.lock the zones' nodes run: a zone's first push of a plugin records its version as the one before, for rollback (missing file: none)")
	cacheDir := fs.String("wasm-cache", "", "compile into this wazero cache directory; point it at the -wasm-cache the workers and actioners share and they load the version without compiling it again")
	_ = fs.Parse(args)
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: runbook plugin push -zones a,b -zone-dir DIR [-store URL] [-grant http,dns] FILE.wasm")
	}
	wasm, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("push: %w", err)
	}
	if a, err := viaUpAPI(ctx, fs, "push", "grant", "zones"); a != nil || err != nil {
		if err != nil {
			return err
		}
		return pushVia(ctx, a, wasm, splitList(*zoneList), splitList(*grant))
	}
	o := rollout.PushOptions{Zones: splitList(*zoneList), Actor: cliActor(), ReadyTimeout: *readyTimeout}
	if o.Baseline, err = rollout.LoadBaseline(*lockFile); err != nil {
		return fmt.Errorf("push: -lock: %w", err)
	}
	if *grant != "" {
		o.Grant = splitList(*grant)
	}
	if *timeoutMS > 0 || *memoryMiB > 0 {
		o.Limits = &lock.Limits{TimeoutMS: *timeoutMS, MemoryMiB: *memoryMiB}
	}
	if !*noPrepare {
		rdbs, err := zoneRedis(*zoneDir, *zoneFile, o.Zones)
		if err != nil {
			return fmt.Errorf("push: %w", err)
		}
		defer func() {
			for _, r := range rdbs {
				_ = r.Close()
			}
		}()
		o.Redis = rdbs
	}
	if *cacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(*cacheDir)
		if err != nil {
			return fmt.Errorf("push: -wasm-cache %s: %w", *cacheDir, err)
		}
		defer cache.Close(ctx)
		o.Cache = cache
	}
	st, err := openPluginStore(ctx, *storeURL)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := rollout.Push(ctx, st, wasm, o)
	if errors.Is(err, rollout.ErrPushInProgress) {
		return err // nothing was inspected or prepared; the error says who holds it
	}
	printPush(stdout, rep)
	return err
}

// stdout is where commands print their results, stderr their warnings
// (tests read both).
var (
	stdout io.Writer = os.Stdout
	stderr io.Writer = os.Stderr
)

// zoneRedis opens a client for each zone named, from the zone files: the
// pusher stages the module there and reads the nodes' reports.
func zoneRedis(dir, file string, names []string) (map[string]redis.UniversalClient, error) {
	zs, from, err := loadZoneFiles(dir, file)
	if err != nil {
		return nil, err
	}
	if from == "" {
		return nil, fmt.Errorf("-zone-dir DIR (or -zone-file FILE): the push prepares the version on every node of each zone through its Redis before promoting it, and no running `runbook up` left zone files in %s; -no-prepare promotes without (nodes compile at the switch)", upZoneDir(defaultData))
	}
	return zoneClients(zs, from, names)
}

// printPush says what a push did, per zone, with prepare and switch apart.
func printPush(w io.Writer, rep rollout.Report) {
	e := rep.Entry
	if e.SHA256 == "" {
		return // refused before any zone was touched; the error says why
	}
	fmt.Fprintf(w, "%s@%s %s (%s, capabilities %v)\n", e.Name, e.Version, e.SHA256, e.Kind, e.Capabilities)
	if slices.ContainsFunc(rep.Zones, func(z rollout.ZoneReport) bool { return z.Prepared }) {
		fmt.Fprintf(w, "  inspect %s · prepare %s · switch %s\n", round(rep.Inspect), round(rep.Prepare), round(rep.Switch))
	} else {
		fmt.Fprintf(w, "  inspect %s · not prepared\n", round(rep.Inspect))
	}
	for _, z := range rep.Zones {
		var state []string
		switch {
		case z.Prepared:
			nodes := make([]string, 0, len(z.Nodes))
			for _, n := range z.Nodes {
				nodes = append(nodes, fmt.Sprintf("%s ready %s", n.Node, round(n.Ready)))
			}
			p := fmt.Sprintf("prepared on %d node(s) in %s", len(z.Nodes), round(z.Prepare))
			if len(nodes) > 0 {
				p += " [" + strings.Join(nodes, ", ") + "]"
			}
			state = append(state, p)
		case z.Promoted:
			state = append(state, "not prepared (no zone Redis: nodes compile at the switch)")
		case z.Err == nil:
			state = append(state, "not prepared")
		default:
			for _, n := range z.Nodes {
				if n.Refused != "" {
					state = append(state, fmt.Sprintf("%s refused it", n.Node))
				} else if n.Ready == 0 {
					state = append(state, fmt.Sprintf("%s not ready", n.Node))
				}
			}
		}
		switch {
		case z.Promoted && z.Prepared && z.Err == nil:
			state = append(state, fmt.Sprintf("promoted, every node serving it %s after promotion", round(z.Switch)))
		case z.Promoted:
			state = append(state, "promoted")
		default:
			state = append(state, "NOT promoted")
		}
		if z.Err != nil {
			state = append(state, "error: "+z.Err.Error())
		}
		fmt.Fprintf(w, "  zone %s: %s\n", z.Zone, strings.Join(state, "; "))
	}
}

func round(d time.Duration) time.Duration {
	if d > time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(100 * time.Microsecond)
}

func pluginRollback(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("plugin rollback", flag.ExitOnError)
	storeURL := fs.String("store", defaultStoreURL, "store: bolt:PATH or rethinkdb://USER:PASS@HOST:PORT/DB (default: through the admin API of a `runbook up` running in this directory, else "+defaultStoreURL+")")
	zoneList := fs.String("zones", "", "zones to roll back, comma-separated (default: every zone running the plugin)")
	zoneDir := fs.String("zone-dir", "", "directory of zone files (*.yaml), to wait for every node of each zone to serve the previous version (default: the zone files of a running `runbook up` under ./data)")
	zoneFile := fs.String("zone-file", "", "one zone file (instead of -zone-dir)")
	switchTimeout := fs.Duration("switch-timeout", rollout.DefaultSwitchTimeout, "how long every live node has to report serving the previous version")
	_ = fs.Parse(args)
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: runbook plugin rollback [-zones a,b] [-zone-dir DIR] [-store URL] NAME")
	}
	if a, err := viaUpAPI(ctx, fs, "rollback", "zones"); a != nil || err != nil {
		if err != nil {
			return err
		}
		return rollbackVia(ctx, a, fs.Arg(0), splitList(*zoneList))
	}
	o := rollout.RollbackOptions{Zones: splitList(*zoneList), Actor: cliActor(), SwitchTimeout: *switchTimeout}
	zs, from, err := loadZoneFiles(*zoneDir, *zoneFile)
	if err != nil {
		return fmt.Errorf("rollback: %w", err)
	}
	// Without zone files the rollback still happens (the nodes hold the
	// previous version loaded); it is only not confirmed.
	if from != "" {
		// No -zones: every zone the files name (a zone running the plugin
		// without a file is rolled back, not waited for).
		if o.Redis, err = zoneClients(zs, from, o.Zones); err != nil {
			return fmt.Errorf("rollback: %w", err)
		}
		defer func() {
			for _, r := range o.Redis {
				_ = r.Close()
			}
		}()
	}
	st, err := openPluginStore(ctx, *storeURL)
	if err != nil {
		return err
	}
	defer st.Close()
	rolled, err := rollout.RollbackWait(ctx, st, fs.Arg(0), o)
	printRollback(stdout, fs.Arg(0), rolled)
	return err
}

// printRollback says, per zone, what was rolled back and who switched.
func printRollback(w io.Writer, name string, rolled []rollout.Rolled) {
	for _, r := range rolled {
		fmt.Fprintf(w, "zone %s: %s %s@%s -> %s@%s", r.Zone, name, r.From.Version, short(r.From.SHA256), r.To.Version, short(r.To.SHA256))
		if !r.Waited {
			fmt.Fprintf(w, "; not confirmed (no zone file for it: -zone-dir DIR to wait for its nodes)\n")
			continue
		}
		var switched []string
		for _, n := range r.Nodes {
			if n.Switched > 0 {
				switched = append(switched, fmt.Sprintf("%s %s", n.Node, round(n.Switched)))
			} else {
				switched = append(switched, n.Node+" not switched")
			}
		}
		if r.Err == nil {
			fmt.Fprintf(w, "; every node serving it %s after the rollback started", round(r.Switch))
		}
		fmt.Fprintf(w, " [%s]", strings.Join(switched, ", "))
		if r.Err != nil {
			fmt.Fprintf(w, "; error: %v", r.Err)
		}
		fmt.Fprintln(w)
	}
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
