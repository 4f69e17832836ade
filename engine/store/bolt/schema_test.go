package bolt

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"go.etcd.io/bbolt"
)

func schemaVersion(t *testing.T, path string) int {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v := 0
	_ = db.View(func(tx *bbolt.Tx) error { v = readVersion(tx.Bucket(bucketMeta)); return nil })
	return v
}

func TestNewFileGetsLatestSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	if got, want := schemaVersion(t, path), migrations[len(migrations)-1].version; got != want {
		t.Fatalf("schema version %d, want %d", got, want)
	}
}

// A newer binary (one more migration) upgrades a file once, keeping data.
func TestOlderSchemaIsMigrated(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutMonitor(ctx, testMonitor("web"), nil); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()

	runs := 0
	next := append(append([]migration(nil), migrations...), migration{
		version: 2, name: "test step",
		apply: func(tx *bbolt.Tx) error { runs++; _, err := tx.CreateBucketIfNotExists([]byte("v2")); return err },
	})
	for i := 0; i < 2; i++ {
		s, err := Open(path, withMigrations(next))
		if err != nil {
			t.Fatalf("open with newer schema (%d): %v", i, err)
		}
		if _, err := s.GetMonitor(ctx, "web"); err != nil {
			t.Errorf("monitor lost in migration: %v", err)
		}
		_ = s.Close()
	}
	if runs != 1 {
		t.Errorf("migration ran %d times, want once", runs)
	}
	if v := schemaVersion(t, path); v != 2 {
		t.Errorf("schema version %d after migration, want 2", v)
	}
}

func TestFailedMigrationLeavesVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	bad := append(append([]migration(nil), migrations...), migration{
		version: 2, name: "broken", apply: func(*bbolt.Tx) error { return errors.New("boom") },
	})
	if _, err := Open(path, withMigrations(bad)); err == nil || !strings.Contains(err.Error(), "broken") {
		t.Fatalf("open with a failing migration: got %v, want an error naming it", err)
	}
	if v := schemaVersion(t, path); v != 1 {
		t.Errorf("schema version %d after failed migration, want 1", v)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		meta, err := tx.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		return writeVersion(meta, 99)
	})
	_ = db.Close()
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(path)
	if !errors.Is(err, ErrSchemaTooNew) || !strings.Contains(err.Error(), "99") {
		t.Fatalf("open a version-99 file: got %v, want ErrSchemaTooNew naming 99", err)
	}
}
