package rethinktest

import (
	"sync"
)

// feed is one changefeed: changes to its table that pass its filters are
// buffered until the client's next CONTINUE collects them.
type feed struct {
	tbl     *table
	filters []predicate

	mu   sync.Mutex
	buf  []any
	wake chan struct{} // signalled (coalesced) when buf grows
	done chan struct{} // closed when the feed stops
	once sync.Once
}

func termChanges(e *evaluator, args []any, opts map[string]any) (any, error) {
	if err := arity(args, 1, 1, "CHANGES"); err != nil {
		return nil, err
	}
	for k, v := range opts {
		d, err := e.datum(v)
		if err != nil {
			return nil, err
		}
		// Options that would change what is sent are refused rather than
		// silently ignored; squash=false is the default anyway.
		if k != "squash" || truthy(d) {
			return nil, compileErr("rethinktest does not implement changes option `%s`", k)
		}
	}
	in, err := e.seq(args[0])
	if err != nil {
		return nil, err
	}
	if !in.feedable {
		return nil, logicErr("rethinktest only implements changes on a table or a filter of a table")
	}
	return &changesFeed{tbl: in.tbl, filters: in.filters}, nil
}

func newFeed(c *changesFeed) *feed {
	return &feed{tbl: c.tbl, filters: c.filters, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// matches reports whether row passes every filter; a failing filter is a
// non-match, as it is for FILTER.
func (f *feed) matches(row any) bool {
	if row == nil {
		return false
	}
	for _, p := range f.filters {
		if ok, err := p(row); err != nil || !ok {
			return false
		}
	}
	return true
}

// offer buffers a change if the feed's filters care about it. A row that
// leaves the filter is reported with new_val null, one that enters with
// old_val null, as RethinkDB does.
func (f *feed) offer(old, row any) {
	oldOK, newOK := f.matches(old), f.matches(row)
	if !oldOK && !newOK {
		return
	}
	if !oldOK {
		old = nil
	}
	if !newOK {
		row = nil
	}
	f.mu.Lock()
	f.buf = append(f.buf, map[string]any{"old_val": old, "new_val": row})
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// take returns and clears the buffered changes.
func (f *feed) take() []any {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.buf
	f.buf = nil
	return b
}

func (f *feed) stop() { f.once.Do(func() { close(f.done) }) }

// publish tells every feed on t about a write. Called with s.mu held.
func (s *Server) publish(t *table, old, row any) {
	for f := range s.feeds {
		if f.tbl == t {
			f.offer(old, row)
		}
	}
}
