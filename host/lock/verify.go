package lock

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// Digest is the lock's digest of a module: lower-case hex sha256.
func Digest(wasm []byte) string {
	sum := sha256.Sum256(wasm)
	return hex.EncodeToString(sum[:])
}

// MismatchError says a plugin's bytes are not the ones the lock allows.
type MismatchError struct {
	Plugin, Version, Path string
	Want, Got             string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("plugin %s@%s: %s has sha256 %s, plugins.lock wants %s", e.Plugin, e.Version, e.Path, e.Got, e.Want)
}

// Verify checks wasm against the entry's digest.
func (e Entry) Verify(wasm []byte) error {
	if got := Digest(wasm); got != e.SHA256 {
		return &MismatchError{Plugin: e.Name, Version: e.Version, Path: e.Path, Want: e.SHA256, Got: got}
	}
	return nil
}

// Resolve returns the entry's path, joined to dir when relative.
func (e Entry) Resolve(dir string) string {
	if filepath.IsAbs(e.Path) {
		return e.Path
	}
	return filepath.Join(dir, e.Path)
}

// Read reads the entry's .wasm (relative to dir) and verifies its digest.
func (e Entry) Read(dir string) ([]byte, error) {
	b, err := os.ReadFile(e.Resolve(dir))
	if err != nil {
		return nil, fmt.Errorf("plugin %s@%s: read module: %w", e.Name, e.Version, err)
	}
	if err := e.Verify(b); err != nil {
		return nil, err
	}
	return b, nil
}
