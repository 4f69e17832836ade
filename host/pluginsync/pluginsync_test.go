package pluginsync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/host/lock"
	"github.com/runbookhq/runbook/host/pluginsync"
	"github.com/runbookhq/runbook/zones"
	"github.com/runbookhq/runbook/zones/localredis/redistest"
)

func TestMain(m *testing.M) { hosttest.Main(m) }

// logBuf is a goroutine-safe log sink the test can search.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) { l.mu.Lock(); defer l.mu.Unlock(); return l.b.Write(p) }
func (l *logBuf) String() string              { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// TestSync: a version written to the zone (as the bridge does) is serving
// within 1 s of its PUBLISH; one already in the hash at start is loaded on
// start; a corrupt module is refused, logged with plugin, version, digest
// and reason, and the running version keeps serving.
func TestSync(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rdb := redistest.Client(t, redistest.Start(t))
	keys := zones.KeysFor("z1")
	h := hosttest.New(t, "http-status")
	_, v1digest, _ := h.Current("http-status")

	e2, wasm2 := hosttest.VariantEntry(t, "http-status", "0.3.0-sync")
	put := func(e lock.Entry, wasm []byte) {
		t.Helper()
		raw, _ := json.Marshal(e)
		if err := rdb.Set(ctx, keys.PluginBlob(e.SHA256), wasm, 0).Err(); err != nil {
			t.Fatal(err)
		}
		if err := rdb.HSet(ctx, keys.Plugins(), e.Name, raw).Err(); err != nil {
			t.Fatal(err)
		}
		if err := rdb.Publish(ctx, keys.PluginsChanged(), e.Name).Err(); err != nil {
			t.Fatal(err)
		}
	}
	logs := &logBuf{}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- pluginsync.Run(sctx, pluginsync.Options{Zone: "z1", Redis: rdb, Host: h,
			Logger: slog.New(slog.NewTextHandler(logs, nil))})
	}()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	time.Sleep(200 * time.Millisecond) // let it subscribe: this test times the PUBLISH path

	start := time.Now()
	put(e2, wasm2)
	waitDigest(t, h, e2.SHA256, start, raceSlowdown*time.Second)

	// A corrupt module (its entry's digest matches the bytes, which do not
	// compile) is refused; the current version stays.
	bad := append([]byte{}, wasm2[:len(wasm2)/3]...)
	badEntry := e2
	badEntry.Version, badEntry.SHA256 = "0.4.0-corrupt", lock.Digest(bad)
	put(badEntry, bad)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "refused") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	out := logs.String()
	for _, want := range []string{"plugin version refused", "plugin=http-status", "version=0.4.0-corrupt", "digest=" + badEntry.SHA256, "reason=", "zone=z1"} {
		if !strings.Contains(out, want) {
			t.Fatalf("refusal log lacks %q:\n%s", want, out)
		}
	}
	if _, d, _ := h.Current("http-status"); d != e2.SHA256 {
		t.Fatalf("current %s after a refused module, want %s", d, e2.SHA256)
	}

	// Bytes in Redis that are not the entry's digest are refused too.
	tampered := e2
	tampered.Version, tampered.SHA256 = "0.5.0-tampered", v1digest
	raw, _ := json.Marshal(tampered)
	rdb.HSet(ctx, keys.Plugins(), "http-status", raw)
	rdb.Set(ctx, keys.PluginBlob(v1digest), wasm2, 0)
	rdb.Publish(ctx, keys.PluginsChanged(), "http-status")
	deadline = time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "0.5.0-tampered") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if out := logs.String(); !strings.Contains(out, "sha256 "+e2.SHA256) {
		t.Fatalf("tampered blob not refused with both digests:\n%s", out)
	}

	// A new process starting on a zone whose hash already names a version
	// loads it without any message.
	put(e2, wasm2)
	h2 := hosttest.New(t, "http-status")
	go pluginsync.Run(sctx, pluginsync.Options{Zone: "z1", Redis: rdb, Host: h2, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	// It compiles the module itself first (seconds when the machine is
	// busy): this asserts that it loads, not how fast.
	waitDigest(t, h2, e2.SHA256, time.Now(), 60*time.Second)
}

func waitDigest(t *testing.T, h interface {
	Current(string) (string, string, bool)
}, digest string, since time.Time, within time.Duration) {
	t.Helper()
	for time.Since(since) < within+5*time.Second {
		if _, d, _ := h.Current("http-status"); d == digest {
			if took := time.Since(since); took > within {
				t.Fatalf("new digest serving after %s, want within %s", took, within)
			}
			t.Logf("new digest serving %s after it was published", time.Since(since).Round(time.Millisecond))
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("digest %s never became current", digest)
}

// TestPrepareThenPromote: a staged version is fetched, compiled and
// reported ready without serving; a staged module whose bytes are not its
// digest is reported refused with the reason; promoting the prepared one
// swaps to it; a stopped node leaves the zone's node set.
func TestPrepareThenPromote(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rdb := redistest.Client(t, redistest.Start(t))
	keys := zones.KeysFor("z1")
	h := hosttest.New(t, "http-status")
	_, v1digest, _ := h.Current("http-status")
	e2, wasm2 := hosttest.VariantEntry(t, "http-status", "0.3.0-sync")
	stage := func(e lock.Entry, wasm []byte, hash string) {
		t.Helper()
		raw, _ := json.Marshal(e)
		if err := rdb.Set(ctx, keys.PluginBlob(e.SHA256), wasm, 0).Err(); err != nil {
			t.Fatal(err)
		}
		if err := rdb.HSet(ctx, hash, e.Name, raw).Err(); err != nil {
			t.Fatal(err)
		}
		if err := rdb.Publish(ctx, keys.PluginsChanged(), e.Name).Err(); err != nil {
			t.Fatal(err)
		}
	}
	report := func(want func(pluginsync.Report) bool) pluginsync.Report {
		t.Helper()
		var r pluginsync.Report
		for deadline := time.Now().Add(raceSlowdown * 10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			raw, _ := rdb.HGet(ctx, keys.PluginReports("http-status"), "n1").Result()
			r = pluginsync.Report{}
			_ = json.Unmarshal([]byte(raw), &r)
			if want(r) {
				return r
			}
		}
		t.Fatalf("node report never as wanted; last %+v", r)
		return r
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- pluginsync.Run(sctx, pluginsync.Options{Zone: "z1", Redis: rdb, Host: h, Node: "n1", Heartbeat: 100 * time.Millisecond,
			Logger: slog.New(slog.NewTextHandler(&logBuf{}, nil))})
	}()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if n, _ := rdb.ZScore(ctx, keys.PluginNodes(), "n1").Result(); n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("node n1 never joined the zone's node set")
		}
	}

	stage(e2, wasm2, keys.PluginsStaged())
	r := report(func(r pluginsync.Report) bool { return r.Ready == e2.SHA256 })
	if r.Serving != v1digest {
		t.Fatalf("report %+v: prepared version serving before promotion", r)
	}
	if _, d, _ := h.Current("http-status"); d != v1digest {
		t.Fatalf("host serves %s after prepare, want v1", d)
	}

	bad := e2
	bad.Version, bad.SHA256 = "0.4.0-bad", lock.Digest([]byte("other bytes"))
	stage(bad, wasm2, keys.PluginsStaged())
	r = report(func(r pluginsync.Report) bool { return r.Refused == bad.SHA256 })
	if !strings.Contains(r.Reason, e2.SHA256) || r.Serving != v1digest {
		t.Fatalf("refusal report %+v: want the bytes' digest in the reason and v1 serving", r)
	}

	stage(e2, wasm2, keys.Plugins())
	report(func(r pluginsync.Report) bool { return r.Serving == e2.SHA256 })
	if _, d, _ := h.Current("http-status"); d != e2.SHA256 {
		t.Fatalf("host serves %s after promotion", d)
	}

	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n, err := rdb.ZCard(ctx, keys.PluginNodes()).Result(); err != nil || n != 0 {
		t.Fatalf("node set after the node stopped: %d members, %v", n, err)
	}
}
