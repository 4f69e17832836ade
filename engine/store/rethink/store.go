package rethink

import (
	"context"
	"fmt"
	"sync"
	"time"

	r "gopkg.in/rethinkdb/rethinkdb-go.v6"

	"github.com/runbookhq/runbook/engine/store"
)

// Store is a store.Store kept in RethinkDB. It is safe for concurrent use.
type Store struct {
	opts Options
	sess *r.Session
	db   r.Term
	ids  *idSource
	// closed ends watches when the store closes.
	closed    chan struct{}
	closeOnce sync.Once
	// watchers counts feeds still following; Close lets them close their
	// cursors before it closes the session under them (the driver races
	// when a session closes under a cursor being closed).
	watchers sync.WaitGroup
}

var _ store.Store = (*Store)(nil)

// Open connects to the cluster, creates the database, tables and indexes
// that are missing, and migrates an older schema. An unreachable cluster is
// reported wrapping store.ErrUnavailable.
func Open(ctx context.Context, opts Options) (*Store, error) {
	opts.defaults()
	if len(opts.Addresses) == 0 {
		return nil, fmt.Errorf("open rethinkdb store: no addresses")
	}
	sess, err := r.Connect(r.ConnectOpts{
		Addresses:  opts.Addresses,
		Username:   opts.Username,
		Password:   opts.Password,
		Timeout:    opts.DialTimeout,
		InitialCap: 1,
		MaxOpen:    opts.MaxOpen,
		// A query that meets a dead pooled connection is retried on a
		// fresh one, so a server restart costs callers nothing.
		NumRetries: opts.MaxOpen + 2,
	})
	if err != nil {
		return nil, wrap(ctx, fmt.Sprintf("connect to rethinkdb at %v", opts.Addresses), err)
	}
	s := &Store{opts: opts, sess: sess, db: r.DB(opts.Database), ids: newIDSource(), closed: make(chan struct{})}
	if err := s.ensureSchema(ctx); err != nil {
		_ = sess.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the connection pool; open watches end.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { close(s.closed) })
	done := make(chan struct{})
	go func() { s.watchers.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second): // a feed stuck in the driver must not hold Close
	}
	if err := s.sess.Close(); err != nil {
		return fmt.Errorf("close rethinkdb session: %w", err)
	}
	return nil
}

func (s *Store) table(name string) r.Term { return s.db.Table(name) }

func runOpts(ctx context.Context) r.RunOpts { return r.RunOpts{Context: ctx} }

// write runs a write query and checks its result counters.
func (s *Store) write(ctx context.Context, what string, t r.Term) (r.WriteResponse, error) {
	var res r.WriteResponse
	cur, err := t.Run(s.sess, runOpts(ctx))
	if err != nil {
		return res, wrap(ctx, what, err)
	}
	defer cur.Close()
	if err := cur.One(&res); err != nil {
		return res, wrap(ctx, what, err)
	}
	return res, wrap(ctx, what, writeError(res))
}

// all runs a read query and decodes every row into dest (a slice pointer).
func (s *Store) all(ctx context.Context, what string, t r.Term, dest any) error {
	cur, err := t.Run(s.sess, runOpts(ctx))
	if err != nil {
		return wrap(ctx, what, err)
	}
	defer cur.Close()
	return wrap(ctx, what, cur.All(dest))
}

// one runs a query for one row; found is false when it returned nothing.
func (s *Store) one(ctx context.Context, what string, t r.Term, dest any) (found bool, err error) {
	cur, err := t.Run(s.sess, runOpts(ctx))
	if err != nil {
		return false, wrap(ctx, what, err)
	}
	defer cur.Close()
	if err := cur.One(dest); err != nil {
		if err == r.ErrEmptyResult {
			return false, nil
		}
		return false, wrap(ctx, what, err)
	}
	return true, nil
}
