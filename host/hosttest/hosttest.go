package hosttest

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/lock"
	"github.com/runbookhq/runbook/host/plugintool"
	"github.com/tetratelabs/wazero"
)

var (
	mu      sync.Mutex
	outDir  string
	built   = map[string]*build{} // by name as given
	cache   wazero.CompilationCache
	entries = map[string]lock.Entry{} // by wasm path
)

type build struct {
	once sync.Once
	path string
	err  error
}

// Main runs the tests and removes the built plugins afterwards:
//
//	func TestMain(m *testing.M) { hosttest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	mu.Lock()
	if outDir != "" {
		os.RemoveAll(outDir)
	}
	mu.Unlock()
	os.Exit(code)
}

// Cache is the compilation cache every Host made here shares. It lives on
// disk (RUNBOOK_TEST_WASM_CACHE, default the user cache dir) so that later
// test runs, and parallel test binaries, skip compiling: under -race a
// module takes ~20 s to compile. wazero writes cache files atomically and
// keys them by its own version and the module's bytes.
func Cache() wazero.CompilationCache {
	mu.Lock()
	defer mu.Unlock()
	if cache == nil {
		dir := os.Getenv("RUNBOOK_TEST_WASM_CACHE")
		if dir == "" {
			if base, err := os.UserCacheDir(); err == nil {
				dir = filepath.Join(base, "runbook", "wazero-test")
			}
		}
		if dir != "" {
			cache, _ = wazero.NewCompilationCacheWithDir(dir)
		}
		if cache == nil {
			cache = wazero.NewCompilationCache()
		}
	}
	return cache
}

// Wasm builds (once per test binary) the named plugins and returns their
// .wasm paths. A name is a directory under plugins/, or a repo-relative
// path with a slash (e.g. "host/testdata/plugins/hostile").
func Wasm(t testing.TB, names ...string) []string {
	t.Helper()
	root := RepoRoot(t)
	dir := buildDir(t)
	var paths []string
	for _, name := range names {
		mu.Lock()
		b := built[name]
		if b == nil {
			b = &build{}
			built[name] = b
		}
		mu.Unlock()
		b.once.Do(func() {
			// Each plugin in its own subdir: two names with the same base
			// (plugins/x and testdata/x) must not overwrite each other.
			sub := filepath.Join(dir, strings.ReplaceAll(name, "/", "_"))
			var out []string
			out, b.err = plugintool.Build(context.Background(), root, sub, name)
			if b.err == nil {
				b.path = out[0]
			}
		})
		if b.err != nil {
			t.Fatalf("hosttest: %v", b.err)
		}
		paths = append(paths, b.path)
	}
	return paths
}

// Plugins builds the named plugins and writes a lock granting each what
// its manifest asks; it returns the lock's path (in a per-test temp dir).
func Plugins(t testing.TB, names ...string) string {
	t.Helper()
	f := &lock.File{FormatVersion: lock.FormatVersion}
	for _, e := range Entries(t, names...) {
		f.Put(e)
	}
	path := filepath.Join(t.TempDir(), lock.DefaultFile)
	if err := lock.Write(path, f); err != nil {
		t.Fatalf("hosttest: %v", err)
	}
	return path
}

// Entries returns lock entries (absolute paths) for the named plugins.
func Entries(t testing.TB, names ...string) []lock.Entry {
	t.Helper()
	var out []lock.Entry
	for _, p := range Wasm(t, names...) {
		mu.Lock()
		e, ok := entries[p]
		mu.Unlock()
		if !ok {
			var err error
			if e, err = plugintool.Entry(context.Background(), p, "", Cache()); err != nil {
				t.Fatalf("hosttest: %v", err)
			}
			e.Path = p
			mu.Lock()
			entries[p] = e
			mu.Unlock()
		}
		out = append(out, e)
	}
	return out
}

// New starts a Host on a lock for the named plugins, closed when the test
// ends. Every plugin must load.
func New(t testing.TB, names ...string) *host.Host {
	t.Helper()
	return NewWithConfig(t, host.Config{LockFile: Plugins(t, names...)})
}

// NewWithConfig starts a Host with cfg (its Logger defaults to the test
// log and its Cache to the shared one), closed when the test ends. It
// fails the test if any plugin did not load.
func NewWithConfig(t testing.TB, cfg host.Config) *host.Host {
	t.Helper()
	if cfg.Cache == nil {
		cfg.Cache = Cache()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	h, err := host.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("hosttest: %v", err)
	}
	t.Cleanup(func() { h.Close(context.Background()) })
	for _, p := range h.Plugins() {
		if p.Err != nil {
			t.Fatalf("hosttest: %v", p.Err)
		}
	}
	return h
}

func buildDir(t testing.TB) string {
	mu.Lock()
	defer mu.Unlock()
	if outDir == "" {
		d, err := os.MkdirTemp("", "runbook-hosttest-")
		if err != nil {
			t.Fatalf("hosttest: %v", err)
		}
		outDir = d
	}
	return outDir
}
