package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine/store/bolt"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/host/pluginsync"
	"github.com/runbookhq/runbook/internal/loopback"
	"github.com/runbookhq/runbook/zones"
)

// startUp runs the real `runbook up` in the current directory on a free
// loopback port and waits until it has published its admin API for the
// CLI (data/run/api.json); stop cancels it and waits for a clean exit
// (once: later calls do nothing, so a test may also defer it).
func startUp(t *testing.T, lockFile string) (api upAPI, stop func()) {
	t.Helper()
	port, err := loopback.Port()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmdUp(ctx, []string{"-http", fmt.Sprintf("127.0.0.1:%d", port), "-lock", lockFile}) }()
	stop = sync.OnceFunc(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Fatalf("runbook up: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("runbook up did not stop within 30s")
		}
	})
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("runbook up ended: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatal("runbook up published no admin API within 2m")
		}
		b, err := os.ReadFile(upAPIFile("data"))
		if err == nil && json.Unmarshal(b, &api) == nil && strings.HasSuffix(api.URL, fmt.Sprint(port)) {
			return api, stop
		}
	}
}

// serving reads what every node of up's zone "local" reports serving for
// name, from up's own Redis (the zone file up published).
func serving(t *testing.T, name string) map[string]string {
	t.Helper()
	zs, err := zones.LoadDir(upZoneDir("data"))
	if err != nil || len(zs) != 1 {
		t.Fatalf("up's zone files: %v (%d)", err, len(zs))
	}
	rdb := redis.NewClient(&redis.Options{Addr: zs[0].Redis.Addr})
	defer rdb.Close()
	reps, err := rdb.HGetAll(context.Background(), zones.KeysFor("local").PluginReports(name)).Result()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for n, b := range reps {
		var r pluginsync.Report
		if err := json.Unmarshal([]byte(b), &r); err != nil {
			t.Fatalf("node %s's report: %v", n, err)
		}
		out[n] = r.Serving
	}
	return out
}

func digestOf(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func apiStatus(t *testing.T, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url+"/api/v1/admin/plugins", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// After `make run` (the real `runbook up` on its embedded store), `plugin
// push -zones local FILE.wasm` and `plugin rollback NAME`, with no store
// or zone flags, go through up's admin API (up publishes its URL and a
// token for this run in data/run/api.json, 0600) and print the API's
// per-zone report; the zone's node then serves the pushed, and after the
// rollback the previous, digest. On a clean exit the file is removed and
// the token revoked (the next run answers it 401); a stale file naming a
// server that is gone is ignored with a message and changes nothing.
func TestPluginPushAndRollbackThroughRunningUp(t *testing.T) {
	lockFile := hosttest.Plugins(t, "http-status")
	v1 := hosttest.Wasm(t, "http-status")[0]
	v2 := hosttest.Variant(t, "http-status", "0.2.0-hotload")
	d1, d2 := digestOf(t, v1), digestOf(t, v2)
	t.Chdir(t.TempDir())
	var out, errOut bytes.Buffer
	stdout, stderr = &out, &errOut
	t.Cleanup(func() { stdout, stderr = os.Stdout, os.Stderr })

	api, stop := startUp(t, lockFile)
	defer stop()
	fi, err := os.Stat(upAPIFile("data"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("%s: %v, mode %v, want 0600", upAPIFile("data"), err, fi.Mode().Perm())
	}
	ctx := context.Background()
	// v1 then v2 through the API, so the store has a version to go back to.
	// Push returns once every node reports serving it.
	for _, w := range []struct{ path, digest string }{{v1, d1}, {v2, d2}} {
		out.Reset()
		if err := pluginPush(ctx, []string{"-zones", "local", w.path}); err != nil {
			t.Fatalf("push %s beside a running up: %v\n%s%s", w.path, err, out.String(), errOut.String())
		}
		t.Logf("push output:\n%s", out.String())
		s := serving(t, "http-status")
		if len(s) == 0 {
			t.Fatal("push returned; no node of zone local reports what it serves")
		}
		for n, d := range s {
			if d != w.digest {
				t.Fatalf("push returned; node %s serves %s, want %s", n, short(d), short(w.digest))
			}
		}
	}
	for _, want := range []string{
		`(?m)^pushed through the admin API of .runbook up. at ` + regexp.QuoteMeta(api.URL) + `$`,
		`(?m)^http-status@0\.2\.0-hotload ` + d2 + ` `,
		`(?m)^  zone local: prepared on 1 node\(s\) in [0-9.]+[µm]?s \[\S+ ready [0-9.]+[µm]?s\]; promoted, every node serving it [0-9.]+[µm]?s after promotion$`,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("push output does not match %s", want)
		}
	}
	out.Reset()
	if err := pluginRollback(ctx, []string{"http-status"}); err != nil {
		t.Fatalf("rollback beside a running up: %v\n%s", err, out.String())
	}
	t.Logf("rollback output:\n%s", out.String())
	want := `(?m)^zone local: http-status 0\.2\.0-hotload@` + d2[:12] + ` -> \S+@` + d1[:12] + `; every node serving it [0-9.]+[µm]?s after the rollback started \[\S+ [0-9.]+[µm]?s\]$`
	if !regexp.MustCompile(want).MatchString(out.String()) {
		t.Errorf("rollback output does not match %s", want)
	}
	for n, d := range serving(t, "http-status") {
		if d != d1 {
			t.Fatalf("rollback returned; node %s serves %s, want v1 %s", n, short(d), short(d1))
		}
	}

	stale, err := os.ReadFile(upAPIFile("data"))
	if err != nil {
		t.Fatal(err)
	}
	stop()
	if _, err := os.Stat(upAPIFile("data")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("api.json left after a clean exit: %v", err)
	}

	// A crashed run's file: the server is gone. The CLI says so, does not
	// use it, and pushes nothing.
	if err := os.WriteFile(upAPIFile("data"), stale, 0o600); err != nil {
		t.Fatal(err)
	}
	errOut.Reset()
	err = pluginPush(ctx, []string{"-zones", "local", v2})
	if err == nil || !strings.Contains(errOut.String(), "ignoring "+upAPIFile(defaultData)) || !strings.Contains(errOut.String(), api.URL+" does not answer") {
		t.Fatalf("push with a stale api.json: %v, stderr %q; want it ignored with a message naming the URL, and the push refused", err, errOut.String())
	}
	st, err := bolt.Open(filepath.Join("data", "runbook.db"))
	if err != nil {
		t.Fatal(err)
	}
	dep, err := st.GetPluginDeployment(ctx, "local", "http-status")
	st.Close()
	if err != nil || dep.SHA256 != d1 {
		t.Fatalf("after the refused push the store deploys %s (%v), want v1 %s unchanged", short(dep.SHA256), err, short(d1))
	}

	// The next run does not accept the previous run's token.
	api2, stop2 := startUp(t, lockFile)
	defer stop2()
	if c := apiStatus(t, api2.URL, api.Token); c != http.StatusUnauthorized {
		t.Fatalf("previous run's token after a clean exit: %d, want 401 (revoked)", c)
	}
	if c := apiStatus(t, api2.URL, api2.Token); c != http.StatusOK {
		t.Fatalf("this run's token: %d, want 200", c)
	}
}
