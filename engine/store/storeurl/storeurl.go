// Package storeurl opens a store backend from one string, so every
// command takes a single --store flag:
//
//	bolt:./data/runbook.db                       embedded (the default)
//	rethinkdb://admin:secret@host:28015/runbook  RethinkDB (several hosts: host1,host2)
package storeurl

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/store/bolt"
	"github.com/runbookhq/runbook/engine/store/rethink"
)

// Open opens the store u names.
func Open(ctx context.Context, u string) (store.Store, error) {
	switch {
	case strings.HasPrefix(u, "bolt:"):
		path := strings.TrimPrefix(u, "bolt:")
		if path == "" {
			return nil, fmt.Errorf("store %q: bolt needs a file path, e.g. bolt:./data/runbook.db", u)
		}
		s, err := bolt.Open(filepath.Clean(path))
		if err != nil {
			return nil, fmt.Errorf("opening embedded store %s: %w", path, err)
		}
		return s, nil
	case strings.HasPrefix(u, "rethinkdb://"):
		p, err := url.Parse(u)
		if err != nil {
			return nil, fmt.Errorf("store %q: %w", u, err)
		}
		o := rethink.Options{Addresses: strings.Split(p.Host, ","), Database: strings.TrimPrefix(p.Path, "/")}
		if p.User != nil {
			o.Username = p.User.Username()
			o.Password, _ = p.User.Password()
		}
		s, err := rethink.Open(ctx, o)
		if err != nil {
			return nil, fmt.Errorf("opening RethinkDB store at %s: %w", p.Host, err)
		}
		return s, nil
	}
	return nil, fmt.Errorf("store %q: want bolt:PATH or rethinkdb://HOST:PORT/DB", u)
}
