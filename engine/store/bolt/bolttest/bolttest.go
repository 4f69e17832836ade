// Package bolttest opens a throwaway embedded store for a test.
package bolttest

import (
	"path/filepath"
	"testing"

	"github.com/runbookhq/runbook/engine/store/bolt"
)

// Open opens a bolt store in a fresh temporary directory and closes it
// when the test ends, after the test's own deferred calls (so components
// stopped there are done with it first).
func Open(t testing.TB, opts ...bolt.Option) *bolt.Store {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "runbook.db"), opts...)
	if err != nil {
		t.Fatalf("opening a bolt store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
