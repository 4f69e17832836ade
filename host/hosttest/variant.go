package hosttest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sync"
	"testing"

	"github.com/runbookhq/runbook/host/lock"
	"github.com/runbookhq/runbook/host/plugintool"
)

var (
	variantMu sync.Mutex
	variants  = map[string]*build{} // by name@version
)

var manifestVersionRE = regexp.MustCompile(`Version:\s*"[^"]*"`)

// Variant builds plugins/NAME with its manifest's version replaced by
// version, once per test binary, and returns the .wasm path: a second
// real version of a real plugin, for hot-load tests. The source tree is
// not touched: the edited main.go reaches the compiler through
// `go build -overlay`, with the same flags as plugintool.BuildArgs.
func Variant(t testing.TB, name, version string) string {
	t.Helper()
	key := name + "@" + version
	variantMu.Lock()
	b := variants[key]
	if b == nil {
		b = &build{}
		variants[key] = b
	}
	variantMu.Unlock()
	b.once.Do(func() { b.path, b.err = buildVariant(RepoRoot(t), buildDir(t), name, version) })
	if b.err != nil {
		t.Fatalf("hosttest: variant %s: %v", key, b.err)
	}
	return b.path
}

// VariantEntry builds a Variant and returns its lock entry (granting what
// its manifest asks, with no path: as pushed, not read from a lock file)
// and its bytes.
func VariantEntry(t testing.TB, name, version string) (lock.Entry, []byte) {
	t.Helper()
	path := Variant(t, name, version)
	e, err := plugintool.Entry(context.Background(), path, "", Cache())
	if err != nil {
		t.Fatalf("hosttest: variant %s@%s entry: %v", name, version, err)
	}
	e.Path = ""
	wasm, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return e, wasm
}

func buildVariant(root, dir, name, version string) (string, error) {
	src := filepath.Join(root, "plugins", name, "main.go")
	code, err := os.ReadFile(src)
	if err != nil {
		return "", err
	}
	loc := manifestVersionRE.FindIndex(code)
	if loc == nil {
		return "", os.ErrNotExist
	}
	edited := append(append(append([]byte{}, code[:loc[0]]...), []byte(`Version: "`+version+`"`)...), code[loc[1]:]...)
	sub := filepath.Join(dir, "variant_"+name+"_"+version)
	if err := os.MkdirAll(sub, 0o755); err != nil {
		return "", err
	}
	mainGo := filepath.Join(sub, "main.go")
	if err := os.WriteFile(mainGo, edited, 0o644); err != nil {
		return "", err
	}
	overlay, _ := json.Marshal(map[string]any{"Replace": map[string]string{src: mainGo}})
	overlayPath := filepath.Join(sub, "overlay.json")
	if err := os.WriteFile(overlayPath, overlay, 0o644); err != nil {
		return "", err
	}
	dst := filepath.Join(sub, name+".wasm")
	args := append(append([]string{}, plugintool.BuildArgs...), "-overlay", overlayPath, "-o", dst, "./plugins/"+name)
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		goBin = "go"
	}
	cmd := exec.CommandContext(context.Background(), goBin, args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", &buildError{err: err, out: stderr.String()}
	}
	return dst, nil
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }
func (e *buildError) Unwrap() error { return e.err }
