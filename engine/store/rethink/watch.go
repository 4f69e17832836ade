package rethink

import (
	"context"
	"fmt"
	"time"

	r "gopkg.in/rethinkdb/rethinkdb-go.v6"
)

// WatchQueue follows a changefeed on zone's queue entries and signals
// (coalesced) on every new entry. The feed is live when WatchQueue returns,
// so an entry added after it returns is never missed. If the server drops
// the feed, it is re-opened and one signal is sent, since entries may have
// arrived meanwhile. The channel closes when ctx ends or the store closes.
func (s *Store) WatchQueue(ctx context.Context, zone string) (<-chan struct{}, error) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-s.closed:
			cancel()
		case <-ctx.Done():
		}
	}()
	cur, err := s.openFeed(ctx, zone)
	if err != nil {
		cancel()
		return nil, err
	}
	ch := make(chan struct{}, 1)
	s.watchers.Add(1)
	go func() {
		defer s.watchers.Done()
		defer cancel()
		s.follow(ctx, zone, cur, ch)
	}()
	return ch, nil
}

func (s *Store) openFeed(ctx context.Context, zone string) (*r.Cursor, error) {
	cur, err := s.table(tQueue).Filter(map[string]interface{}{"zone": zone}).Changes().Run(s.sess, runOpts(ctx))
	if err != nil {
		return nil, wrap(ctx, fmt.Sprintf("watch queue of zone %q", zone), err)
	}
	return cur, nil
}

func signal(ch chan<- struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

func (s *Store) follow(ctx context.Context, zone string, cur *r.Cursor, ch chan struct{}) {
	defer close(ch)
	for {
		s.drain(cur, ch)
		if ctx.Err() != nil {
			return
		}
		// The feed broke (connection lost, server restarted): open it again.
		for cur = nil; cur == nil; {
			select {
			case <-ctx.Done():
				return
			case <-time.After(s.opts.WatchRetry):
			}
			if c, err := s.openFeed(ctx, zone); err == nil {
				cur = c
			}
		}
		signal(ch)
	}
}

// drain reads changes until the feed ends or ctx does; only additions
// signal (an ack deleting an entry is a change too, but nothing to read).
//
// The cursor runs under ctx, so cancelling ctx ends a blocked Next; it is
// closed here, after Next returns, never from another goroutine: the
// driver's Close races with a Next waiting on the server (rethinkdb-go
// v6.2.1 cursor.go, fetchMore reads c.conn unlocked while Close clears
// it), which the race detector caught in TestCloseEndsWatches.
func (s *Store) drain(cur *r.Cursor, ch chan struct{}) {
	defer cur.Close()
	var change struct {
		NewVal map[string]interface{} `rethinkdb:"new_val"`
	}
	for cur.Next(&change) {
		if change.NewVal != nil {
			signal(ch)
		}
	}
}
