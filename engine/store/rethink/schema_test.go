package rethink

import (
	"context"
	"strings"
	"testing"
)

// TestOpenIsIdempotent: a second Open on the same database (a restart, or
// another process) finds everything in place and changes nothing.
func TestOpenIsIdempotent(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		opts := tg.options(t)
		a := openStore(t, opts)
		b := openStore(t, opts)
		for _, s := range []*Store{a, b} {
			var m metaRow
			if _, err := s.one(testCtx(t), "read meta", s.table(tMeta).Get("schema"), &m); err != nil || m.Version != schemaVersion {
				t.Fatalf("schema version %d (%v), want %d", m.Version, err, schemaVersion)
			}
		}
	})
}

func setVersion(t *testing.T, s *Store, v int) {
	t.Helper()
	if _, err := s.write(testCtx(t), "set version", s.table(tMeta).Get("schema").Update(map[string]interface{}{"version": v})); err != nil {
		t.Fatal(err)
	}
}

// TestMigrations: an older database runs each migration once, in order,
// and records the new version; a newer one is refused.
func TestMigrations(t *testing.T) {
	opts := targets()[0].options(t)
	s := openStore(t, opts)

	setVersion(t, s, 0)
	var ran []int
	migrations[0] = func(ctx context.Context, s *Store) error { ran = append(ran, 0); return nil }
	t.Cleanup(func() { delete(migrations, 0) })
	s2 := openStore(t, opts)
	var m metaRow
	if _, err := s2.one(testCtx(t), "read meta", s2.table(tMeta).Get("schema"), &m); err != nil {
		t.Fatal(err)
	}
	if len(ran) != 1 || m.Version != schemaVersion {
		t.Fatalf("migrations ran %v, version now %d; want [0] and %d", ran, m.Version, schemaVersion)
	}

	setVersion(t, s, schemaVersion+1)
	_, err := Open(testCtx(t), opts)
	if err == nil || !strings.Contains(err.Error(), "upgrade") {
		t.Fatalf("open a newer database: got %v, want a refusal", err)
	}
}
