package host

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Instrumented modules are cached by the sha256 of the module as locked,
// so a load that finds its compiled code in wazero's cache does not walk
// and rewrite the whole module again first (16–30 ms for a 4 MB Go
// module, more than the rest of a cached load).
//
// With a CacheDir the rewritten bytes go to disk beside wazero's cache
// (a process restart is the warm load that matters); otherwise they stay
// in memory, bounded, for hosts and installs later in the same process.
// Keys carry instrumentVersion and the tick interval: a host that
// instruments differently never reads another's output. Files start with
// the sha256 of the rest and are written by rename, so a torn or altered
// file is ignored (and rewritten), never compiled.

// instrumentVersion names instrument's output format. Bump it whenever
// instrument would write different bytes for the same module.
const instrumentVersion = 1

// instrCacheSubdir is the directory under CacheDir for rewritten modules.
const instrCacheSubdir = "runbook-instrumented"

// maxMemInstrBytes bounds the in-memory cache; when full it starts over.
const maxMemInstrBytes = 64 << 20

var memInstr struct {
	sync.Mutex
	m     map[string][]byte
	bytes int
}

// instrumentCached is instrument with the cache in front; dir "" keeps it
// in memory. Failures to instrument are not cached: they are rare and
// cheap (most stop at the import section).
func instrumentCached(wasm []byte, dir string) ([]byte, error) {
	sum := sha256.Sum256(wasm)
	key := fmt.Sprintf("%s-i%d-t%d", hex.EncodeToString(sum[:]), instrumentVersion, tickInterval)
	if b := instrGet(key, dir); b != nil {
		return b, nil
	}
	out, err := instrument(wasm)
	if err != nil {
		return nil, err
	}
	instrPut(key, dir, out)
	return out, nil
}

func instrGet(key, dir string) []byte {
	if dir == "" {
		memInstr.Lock()
		defer memInstr.Unlock()
		return memInstr.m[key]
	}
	f, err := os.ReadFile(filepath.Join(dir, instrCacheSubdir, key+".wasm"))
	if err != nil || len(f) < sha256.Size {
		return nil
	}
	body := f[sha256.Size:]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], f[:sha256.Size]) {
		return nil
	}
	return body
}

// instrPut stores out; a cache that cannot be written is only slower.
func instrPut(key, dir string, out []byte) {
	if dir == "" {
		memInstr.Lock()
		defer memInstr.Unlock()
		if memInstr.m == nil || memInstr.bytes+len(out) > maxMemInstrBytes {
			memInstr.m, memInstr.bytes = map[string][]byte{}, 0
		}
		if len(out) <= maxMemInstrBytes {
			memInstr.m[key] = out
			memInstr.bytes += len(out)
		}
		return
	}
	d := filepath.Join(dir, instrCacheSubdir)
	if err := os.MkdirAll(d, 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(d, key+".*.tmp")
	if err != nil {
		return
	}
	sum := sha256.Sum256(out)
	_, err1 := tmp.Write(sum[:])
	_, err2 := tmp.Write(out)
	err3 := tmp.Close()
	if err1 != nil || err2 != nil || err3 != nil || os.Rename(tmp.Name(), filepath.Join(d, key+".wasm")) != nil {
		os.Remove(tmp.Name())
	}
}
