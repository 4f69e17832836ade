package bolt

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"syscall"

	"go.etcd.io/bbolt"

	"github.com/runbookhq/runbook/engine/store"
)

// Store is the embedded store.Store over one bbolt file.
type Store struct {
	db    *bbolt.DB
	path  string
	watch *watchers

	closeOnce sync.Once
	closeErr  error
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the store file at path and brings its
// schema up to date. It fails with ErrSchemaTooNew on a file written by a
// newer Runbook.
func Open(path string, opts ...Option) (*Store, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{
		Timeout: cfg.lockTimeout,
		NoSync:  cfg.noSync,
		// The freelist is rebuilt on open instead of written on every
		// commit: cheaper writes for an append-heavy store.
		NoFreelistSync: true,
		FreelistType:   bbolt.FreelistMapType,
	})
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := migrate(db, cfg.migrations); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return &Store{db: db, path: path, watch: newWatchers()}, nil
}

// Path is the file the store lives in.
func (s *Store) Path() string { return s.path }

// Close ends every WatchQueue channel and closes the file. Calling it again
// is harmless.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.watch.closeAll()
		if err := s.db.Close(); err != nil {
			s.closeErr = fmt.Errorf("close store %s: %w", s.path, err)
		}
	})
	return s.closeErr
}

// update runs fn in a write transaction after checking ctx; bbolt itself
// cannot be interrupted, so ctx only stops work that has not started.
func (s *Store) update(ctx context.Context, op string, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := s.db.Update(fn); err != nil {
		return wrap(op, err)
	}
	return nil
}

func (s *Store) view(ctx context.Context, op string, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := s.db.View(fn); err != nil {
		return wrap(op, err)
	}
	return nil
}

// wrap names the operation and marks failures of the file itself (closed
// store, I/O errors) as store.ErrUnavailable, which is what tells an
// actioner to keep going from its cache.
func wrap(op string, err error) error {
	var pathErr *fs.PathError
	var errno syscall.Errno
	if errors.Is(err, bbolt.ErrDatabaseNotOpen) || errors.As(err, &pathErr) || errors.As(err, &errno) {
		return fmt.Errorf("%s: %w: %w", op, store.ErrUnavailable, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}
