package lock

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
)

func entry(name, version string, wasm []byte) Entry {
	return Entry{Name: name, Version: version, Kind: abi.KindCheck, ABI: 1, SHA256: Digest(wasm), Path: name + ".wasm", Capabilities: []string{"http"}}
}

func TestWriteLoadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), DefaultFile)
	f := &File{}
	f.Put(entry("b", "1", []byte("b1")))
	f.Put(entry("a", "1", []byte("a1")))
	f.Put(entry("a", "2", []byte("a2"))) // newer version becomes current
	if err := Write(path, f); err != nil {
		t.Fatal(err)
	}
	g, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if cur, _ := g.Current("a"); cur.Version != "2" {
		t.Errorf("current a = %s, want 2", cur.Version)
	}
	if old, ok := g.Find("a", "1"); !ok || old.SHA256 != Digest([]byte("a1")) {
		t.Errorf("old version a@1 lost: %+v", old)
	}
	if g.Plugins[0].Name != "a" || g.Plugins[2].Name != "b" {
		t.Errorf("not sorted by name: %+v", g.Plugins)
	}
}

func TestLoadRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"unknown field": `{"lock_version":1,"plugins":[],"extra":1}`,
		"bad digest":    `{"lock_version":1,"plugins":[{"name":"a","version":"1","kind":"check","abi":1,"sha256":"xyz","path":"a.wasm","capabilities":[]}]}`,
		"bad kind":      `{"lock_version":1,"plugins":[{"name":"a","version":"1","kind":"probe","abi":1,"sha256":"` + strings.Repeat("0", 64) + `","path":"a.wasm","capabilities":[]}]}`,
		"future format": `{"lock_version":2,"plugins":[]}`,
	} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		os.WriteFile(p, []byte(body), 0o644)
		if _, err := Load(p); err == nil {
			t.Errorf("%s: loaded without error", name)
		}
	}
}

func TestReadVerifiesDigest(t *testing.T) {
	dir := t.TempDir()
	e := entry("a", "1", []byte("good"))
	os.WriteFile(filepath.Join(dir, "a.wasm"), []byte("evil"), 0o644)
	_, err := e.Read(dir)
	var mm *MismatchError
	if !errors.As(err, &mm) {
		t.Fatalf("got %v, want MismatchError", err)
	}
	for _, want := range []string{"plugin a@1", Digest([]byte("good")), Digest([]byte("evil"))} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not name %s", err, want)
		}
	}
}
