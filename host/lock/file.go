package lock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Load reads and validates a lock file.
func Load(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read lock file: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields() // a typo in a grant must not pass silently
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("parse lock file %s: %w", path, err)
	}
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("lock file %s: %w", path, err)
	}
	return &f, nil
}

// Write validates f and writes it atomically (temp file + rename), sorted
// by name with a stable order of versions, so the file diffs cleanly.
func Write(path string, f *File) error {
	if f.FormatVersion == 0 {
		f.FormatVersion = FormatVersion
	}
	if err := f.Validate(); err != nil {
		return fmt.Errorf("write lock file: %w", err)
	}
	sort.SliceStable(f.Plugins, func(i, j int) bool { return f.Plugins[i].Name < f.Plugins[j].Name })
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("encode lock file: %w", err)
	}
	b = append(b, '\n')
	tmp, err := os.CreateTemp(filepath.Dir(path), ".plugins.lock-*")
	if err != nil {
		return fmt.Errorf("write lock file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write lock file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write lock file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write lock file: %w", err)
	}
	return nil
}
