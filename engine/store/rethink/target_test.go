package rethink

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	r "gopkg.in/rethinkdb/rethinkdb-go.v6"

	"github.com/runbookhq/runbook/engine/store/rethink/rethinktest"
)

// realEnv names a real RethinkDB (host:port) to run the tests against as
// well; RUNBOOK_TEST_RETHINKDB_PASSWORD is its admin password.
const realEnv = "RUNBOOK_TEST_RETHINKDB"

// target is a RethinkDB the tests run against: the in-repo test server
// always, a real one when realEnv is set.
type target struct {
	name string
	// options returns connection options for a fresh, empty database
	// that is removed when t ends.
	options func(t *testing.T) Options
}

func targets() []target {
	ts := []target{
		{"testserver", func(t *testing.T) Options {
			srv := rethinktest.New(t, rethinktest.Options{Password: "s3cret"})
			return Options{Addresses: []string{srv.Addr()}, Password: "s3cret", Database: "runbook"}
		}},
	}
	// A real server joins only when one is named: no RethinkDB package
	// exists for these machines, so CI runs the test server alone.
	if os.Getenv(realEnv) != "" {
		ts = append(ts, target{"real", realOptions})
	}
	return ts
}

// forEachTarget runs fn as a subtest per target.
func forEachTarget(t *testing.T, fn func(t *testing.T, tg target)) {
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) { fn(t, tg) })
	}
}

func realOptions(t *testing.T) Options {
	var b [6]byte
	_, _ = rand.Read(b[:])
	opts := Options{
		Addresses: []string{os.Getenv(realEnv)},
		Password:  os.Getenv(realEnv + "_PASSWORD"),
		Database:  "runbook_test_" + hex.EncodeToString(b[:]),
	}
	t.Cleanup(func() {
		sess, err := r.Connect(r.ConnectOpts{Addresses: opts.Addresses, Username: "admin", Password: opts.Password})
		if err != nil {
			t.Logf("drop test database %s: %v", opts.Database, err)
			return
		}
		defer sess.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := r.DBDrop(opts.Database).Exec(sess, r.ExecOpts{Context: ctx}); err != nil {
			t.Logf("drop test database %s: %v", opts.Database, err)
		}
	})
	return opts
}

// openStore opens a store on opts, closed when t ends.
func openStore(t *testing.T, opts Options) *Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Open(ctx, opts)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
