package plugintool_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/host/lock"
	"github.com/runbookhq/runbook/host/plugintool"
)

func TestMain(m *testing.M) { hosttest.Main(m) }

// TestLockVerifyRun goes through what `runbook plugin lock|verify|run` do,
// with modules built by Build (through hosttest's once-per-binary cache).
func TestLockVerifyRun(t *testing.T) {
	ctx := context.Background()
	wasm := hosttest.Wasm(t, "http-status", "webhook")
	dir := t.TempDir()
	var local []string
	for _, p := range wasm { // copy beside the lock so paths are relative
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, "build", "plugins", filepath.Base(p))
		os.MkdirAll(filepath.Dir(dst), 0o755)
		os.WriteFile(dst, b, 0o644)
		local = append(local, dst)
	}
	lockPath := filepath.Join(dir, lock.DefaultFile)
	f, err := plugintool.Lock(ctx, plugintool.LockOptions{LockFile: lockPath, Wasm: local, Cache: hosttest.Cache()})
	if err != nil {
		t.Fatal(err)
	}
	e, ok := f.Current("http-status")
	if !ok || e.Path != "build/plugins/http-status.wasm" || e.Kind != abi.KindCheck || strings.Join(e.Capabilities, ",") != "http" {
		t.Fatalf("http-status entry %+v", e)
	}
	infos, err := plugintool.Verify(ctx, lockPath, hosttest.Cache())
	if err != nil || len(infos) != 2 {
		t.Fatalf("verify: %v (%d plugins)", err, len(infos))
	}

	// Re-locking keeps hand-set limits.
	f.Plugins[0].Limits = &lock.Limits{TimeoutMS: 1234}
	if err := lock.Write(lockPath, f); err != nil {
		t.Fatal(err)
	}
	f, err = plugintool.Lock(ctx, plugintool.LockOptions{LockFile: lockPath, Wasm: local[:1], Cache: hosttest.Cache()})
	if err != nil || f.Plugins[0].Limits == nil || f.Plugins[0].Limits.TimeoutMS != 1234 {
		t.Fatalf("relock lost limits: %+v, %v", f.Plugins[0], err)
	}

	// Tampering after locking fails verify, naming the plugin.
	os.WriteFile(local[1], []byte("\x00asm\x01\x00\x00\x00"), 0o644)
	if _, err := plugintool.Verify(ctx, lockPath, hosttest.Cache()); err == nil || !strings.Contains(err.Error(), "webhook") {
		t.Fatalf("verify after tampering: %v", err)
	}

	info, err := plugintool.Inspect(ctx, local[0], hosttest.Cache())
	if err != nil || info.Manifest.Name != "http-status" || !info.HasValidate {
		t.Fatalf("inspect: %+v, %v", info, err)
	}
	out, _, err := plugintool.Run(ctx, local[0], abi.Input{Config: json.RawMessage(`{"url":"http://127.0.0.1:1/"}`)}, hostConfig())
	if err != nil || out.Status != abi.StatusFailed {
		t.Fatalf("run: %+v, %v", out, err)
	}
}
