package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/lock"
)

// RunPlugins is the conformance suite of store.PluginsExt: blobs by
// digest, plugin records, and per-zone current versions with rollback.
// It is separate from RunFactory so backends opt in with one test.
func RunPlugins(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("Blobs", func(t *testing.T) { testPluginBlobs(t, open(t)) })
	t.Run("Records", func(t *testing.T) { testPluginRecords(t, open(t)) })
	t.Run("Deployments", func(t *testing.T) { testPluginDeployments(t, open(t)) })
}

func pluginEntry(name, version string, wasm []byte) lock.Entry {
	return lock.Entry{Name: name, Version: version, Kind: abi.KindCheck, ABI: abi.Version,
		SHA256: lock.Digest(wasm), Capabilities: []string{"http"}, Limits: &lock.Limits{TimeoutMS: 5000}}
}

func testPluginBlobs(t *testing.T, s store.Store) {
	ctx := testCtx(t)
	// Big enough to cross a page (bbolt) and a frame (rethink).
	wasm := bytes.Repeat([]byte("\x00asm\x01\x00\x00\x00 runbook"), 50_000)
	d := lock.Digest(wasm)
	if _, err := s.GetPluginBlob(ctx, d); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing blob: %v, want ErrNotFound", err)
	}
	must(t, s.PutPluginBlob(ctx, d, wasm), "put blob")
	must(t, s.PutPluginBlob(ctx, d, wasm), "put the same blob again")
	got, err := s.GetPluginBlob(ctx, d)
	must(t, err, "get blob")
	if !bytes.Equal(got, wasm) {
		t.Fatalf("blob round trip: %d bytes back, want %d", len(got), len(wasm))
	}
	if err := s.PutPluginBlob(ctx, d, wasm[1:]); err == nil {
		t.Fatal("blob under another digest was stored")
	}
	if got, _ := s.GetPluginBlob(ctx, d); !bytes.Equal(got, wasm) {
		t.Fatal("a refused put changed the stored blob")
	}
}

func testPluginRecords(t *testing.T, s store.Store) {
	ctx := testCtx(t)
	a1 := pluginEntry("alpha", "1.0.0", []byte("a1"))
	a2 := pluginEntry("alpha", "2.0.0", []byte("a2"))
	ab := pluginEntry("alpha-beta", "1.0.0", []byte("ab")) // a longer name sharing the prefix
	a1.Path = "build/plugins/alpha.wasm"
	for _, e := range []lock.Entry{a2, ab, a1} {
		must(t, s.PutPluginRecord(ctx, e), "put record "+e.Name+"@"+e.Version)
	}
	must(t, s.PutPluginRecord(ctx, a1), "put the same record again")
	got, err := s.GetPluginRecord(ctx, "alpha", "1.0.0")
	must(t, err, "get record")
	if got.SHA256 != a1.SHA256 || got.Path != "" || got.Limits == nil || got.Limits.TimeoutMS != 5000 || len(got.Capabilities) != 1 {
		t.Fatalf("record round trip: %+v", got)
	}
	conflict := pluginEntry("alpha", "1.0.0", []byte("other bytes"))
	if err := s.PutPluginRecord(ctx, conflict); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("same version, other digest: %v, want ErrConflict", err)
	}
	if err := s.PutPluginRecord(ctx, lock.Entry{Name: "bad"}); err == nil {
		t.Fatal("invalid record stored")
	}
	if _, err := s.GetPluginRecord(ctx, "alpha", "9"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing record: %v", err)
	}
	list, err := s.ListPluginRecords(ctx, "alpha")
	must(t, err, "list alpha")
	if names := recordNames(list); names != "alpha@1.0.0 alpha@2.0.0" {
		t.Fatalf("list alpha: %s", names)
	}
	all, err := s.ListPluginRecords(ctx, "")
	must(t, err, "list all")
	if names := recordNames(all); names != "alpha@1.0.0 alpha@2.0.0 alpha-beta@1.0.0" {
		t.Fatalf("list all: %s", names)
	}
}

func recordNames(es []lock.Entry) string {
	var b bytes.Buffer
	for i, e := range es {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s@%s", e.Name, e.Version)
	}
	return b.String()
}

func testPluginDeployments(t *testing.T, s store.Store) {
	ctx := testCtx(t)
	v1 := pluginEntry("alpha", "1", []byte("v1"))
	v2 := pluginEntry("alpha", "2", []byte("v2"))
	v3 := pluginEntry("alpha", "3", []byte("v3"))
	for _, e := range []lock.Entry{v1, v2, v3} {
		must(t, s.PutPluginRecord(ctx, e), "put record")
	}
	if _, err := s.SetPluginCurrent(ctx, "z1", "alpha", "9"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("current without a record: %v, want ErrNotFound", err)
	}
	if _, err := s.GetPluginDeployment(ctx, "z1", "alpha"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("no deployment yet: %v", err)
	}
	// Staged: z1 goes 1 → 2 → 3 while z2 stays at 1.
	for _, v := range []string{"1", "2", "2", "3"} {
		_, err := s.SetPluginCurrent(ctx, "z1", "alpha", v)
		must(t, err, "set z1 current "+v)
	}
	_, err := s.SetPluginCurrent(ctx, "z2", "alpha", "1")
	must(t, err, "set z2 current")
	d, err := s.GetPluginDeployment(ctx, "z1", "alpha")
	must(t, err, "get z1")
	if d.Version != "3" || d.SHA256 != v3.SHA256 || len(d.History) != 2 || d.History[0].Version != "2" || d.History[1].Version != "1" || d.UpdatedAt.IsZero() {
		t.Fatalf("z1 after 1,2,2,3: %+v (setting the current version again must not add history)", d)
	}
	d, err = s.RollbackPlugin(ctx, "z1", "alpha")
	must(t, err, "roll back z1")
	if d.Version != "2" || d.SHA256 != v2.SHA256 || len(d.History) != 1 {
		t.Fatalf("z1 after rollback: %+v", d)
	}
	if got, _ := s.GetPluginDeployment(ctx, "z1", "alpha"); got.Version != "2" {
		t.Fatalf("rollback not stored: %+v", got)
	}
	_, err = s.RollbackPlugin(ctx, "z1", "alpha")
	must(t, err, "roll back z1 again")
	if _, err := s.RollbackPlugin(ctx, "z1", "alpha"); !errors.Is(err, store.ErrNoPreviousVersion) {
		t.Fatalf("rollback past the first version: %v", err)
	}
	if _, err := s.RollbackPlugin(ctx, "z9", "alpha"); err == nil {
		t.Fatal("rollback in a zone that never had the plugin succeeded")
	}
	all, err := s.ListPluginDeployments(ctx, "", "alpha")
	must(t, err, "list alpha deployments")
	if len(all) != 2 || all[0].Zone != "z1" || all[1].Zone != "z2" || all[0].Version != "1" {
		t.Fatalf("deployments of alpha: %+v", all)
	}
	z2, err := s.ListPluginDeployments(ctx, "z2", "")
	must(t, err, "list z2")
	if len(z2) != 1 || z2[0].Name != "alpha" {
		t.Fatalf("deployments of z2: %+v", z2)
	}
	// History is bounded.
	for i := range store.MaxPluginHistory + 5 {
		e := pluginEntry("gamma", fmt.Sprint(i), []byte(fmt.Sprint("g", i)))
		must(t, s.PutPluginRecord(ctx, e), "put gamma")
		_, err := s.SetPluginCurrent(ctx, "z1", "gamma", e.Version)
		must(t, err, "set gamma")
	}
	if d, _ := s.GetPluginDeployment(ctx, "z1", "gamma"); len(d.History) != store.MaxPluginHistory {
		t.Fatalf("history of %d, want bounded at %d", len(d.History), store.MaxPluginHistory)
	}
}
