package plugintool

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
)

// BuildArgs are the go build flags that make a plugin's bytes depend only
// on its source and the toolchain, so its sha256 is reproducible.
var BuildArgs = []string{"build", "-trimpath", "-buildvcs=false", "-buildmode=c-shared"}

// Build compiles plugins to outDir/NAME.wasm with GOOS=wasip1 GOARCH=wasm.
// Each name is a directory under root/plugins, or a root-relative path
// containing a slash (e.g. host/testdata/plugins/hostile); none means every
// directory under root/plugins. It returns the written paths.
func Build(ctx context.Context, root, outDir string, names ...string) ([]string, error) {
	if len(names) == 0 {
		var err error
		if names, err = List(root); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("build plugins: %w", err)
	}
	var out []string
	for _, name := range names {
		dir := filepath.Join("plugins", name)
		if filepath.Base(name) != name {
			dir = name
		}
		dst, err := filepath.Abs(filepath.Join(outDir, filepath.Base(name)+".wasm"))
		if err != nil {
			return nil, fmt.Errorf("build plugin %s: %w", name, err)
		}
		args := append(append([]string{}, BuildArgs...), "-o", dst, "./"+filepath.ToSlash(dir))
		cmd := exec.CommandContext(ctx, goTool(), args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("build plugin %s: %w\n%s", name, err, stderr.Bytes())
		}
		out = append(out, dst)
	}
	return out, nil
}

// List names the plugin directories under root/plugins.
func List(root string) ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(root, "plugins"))
	if err != nil {
		return nil, fmt.Errorf("list plugins: %w", err)
	}
	var names []string
	for _, e := range ents {
		if e.IsDir() {
			if _, err := os.Stat(filepath.Join(root, "plugins", e.Name(), "main.go")); err == nil {
				names = append(names, e.Name())
			}
		}
	}
	sort.Strings(names)
	return names, nil
}

// goTool prefers the go binary of the running toolchain, so tests build
// plugins with the same Go that runs them.
func goTool() string {
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return "go"
}
