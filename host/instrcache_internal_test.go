package host

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestInstrumentCached(t *testing.T) {
	mod := testModule(true)
	want, err := instrument(mod)
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"", t.TempDir()} {
		for i := range 2 { // a miss that fills the cache, then a hit
			got, err := instrumentCached(mod, dir)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("dir %q, load %d: differs from instrument (%v)", dir, i, err)
			}
		}
	}

	// A damaged file is ignored (and replaced), never compiled.
	dir := t.TempDir()
	if _, err := instrumentCached(mod, dir); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, instrCacheSubdir, "*.wasm"))
	if len(files) != 1 {
		t.Fatalf("cache files %v; want one", files)
	}
	b, _ := os.ReadFile(files[0])
	b[len(b)-1] ^= 0xff
	if err := os.WriteFile(files[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	if instrGet(filepath.Base(files[0][:len(files[0])-len(".wasm")]), dir) != nil {
		t.Fatal("a damaged cache file was returned")
	}
	got, err := instrumentCached(mod, dir)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("after damage: differs from instrument (%v)", err)
	}
}
