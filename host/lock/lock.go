package lock

import (
	"fmt"
	"regexp"

	"github.com/runbookhq/runbook/host/abi"
)

// FormatVersion is the version of the lock file format this package writes.
const FormatVersion = 1

// DefaultFile is the conventional name of the lock file at the repo root.
const DefaultFile = "plugins.lock"

// File is the whole lock file.
type File struct {
	FormatVersion int `json:"lock_version"`
	// Plugins, sorted by name; for one name the first entry is the current
	// version and later ones are older versions still allowed to run
	// (monitors pinned to them, or in-flight during a reload).
	Plugins []Entry `json:"plugins"`
}

// Entry is one plugin version a deployment may load.
type Entry struct {
	Name    string   `json:"name"`
	Version string   `json:"version"`
	Kind    abi.Kind `json:"kind"`
	ABI     int      `json:"abi"`
	// SHA256 is the lower-case hex digest of the .wasm file.
	SHA256 string `json:"sha256"`
	// Path of the .wasm, relative to the lock file's directory (or absolute).
	Path string `json:"path"`
	// Capabilities the operator grants. A capability is usable only when
	// both the manifest asks for it and this list grants it.
	Capabilities []string `json:"capabilities"`
	Limits       *Limits  `json:"limits,omitempty"`
}

// Limits override the host's defaults for one plugin; the host clamps them
// to its operator-set ceiling. Zero means "host default".
type Limits struct {
	MemoryMiB   int `json:"memory_mib,omitempty"`
	TimeoutMS   int `json:"timeout_ms,omitempty"`
	OutputBytes int `json:"output_bytes,omitempty"`
}

var hexRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Validate checks one entry's fields.
func (e Entry) Validate() error {
	switch {
	case e.Name == "":
		return fmt.Errorf("lock entry: name is empty")
	case e.Version == "":
		return fmt.Errorf("lock entry %s: version is empty", e.Name)
	case !e.Kind.Valid():
		return fmt.Errorf("lock entry %s@%s: kind %q: want check or reaction", e.Name, e.Version, e.Kind)
	case e.ABI <= 0:
		return fmt.Errorf("lock entry %s@%s: abi %d: want a positive version", e.Name, e.Version, e.ABI)
	case !hexRE.MatchString(e.SHA256):
		return fmt.Errorf("lock entry %s@%s: sha256 %q: want 64 lower-case hex digits", e.Name, e.Version, e.SHA256)
	case e.Path == "":
		return fmt.Errorf("lock entry %s@%s: path is empty", e.Name, e.Version)
	}
	if l := e.Limits; l != nil && (l.MemoryMiB < 0 || l.TimeoutMS < 0 || l.OutputBytes < 0) {
		return fmt.Errorf("lock entry %s@%s: limits must not be negative", e.Name, e.Version)
	}
	return nil
}

// Validate checks every entry and that (name, version) pairs are unique.
func (f *File) Validate() error {
	if f.FormatVersion != FormatVersion {
		return fmt.Errorf("lock_version %d: this build reads lock_version %d", f.FormatVersion, FormatVersion)
	}
	seen := make(map[string]bool, len(f.Plugins))
	for _, e := range f.Plugins {
		if err := e.Validate(); err != nil {
			return err
		}
		key := e.Name + "@" + e.Version
		if seen[key] {
			return fmt.Errorf("lock entry %s listed twice", key)
		}
		seen[key] = true
	}
	return nil
}

// Current returns the current (first listed) entry for name.
func (f *File) Current(name string) (Entry, bool) {
	for _, e := range f.Plugins {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}

// Find returns the entry for name at version; version "" means current.
func (f *File) Find(name, version string) (Entry, bool) {
	if version == "" {
		return f.Current(name)
	}
	for _, e := range f.Plugins {
		if e.Name == name && e.Version == version {
			return e, true
		}
	}
	return Entry{}, false
}

// Put makes e the current entry for its name, replacing an entry with the
// same name and version and keeping other versions after it.
func (f *File) Put(e Entry) {
	out := make([]Entry, 0, len(f.Plugins)+1)
	placed := false
	for _, old := range f.Plugins {
		if old.Name == e.Name && !placed {
			out = append(out, e)
			placed = true
		}
		if old.Name == e.Name && old.Version == e.Version {
			continue
		}
		out = append(out, old)
	}
	if !placed {
		out = append(out, e)
	}
	f.Plugins = out
}
