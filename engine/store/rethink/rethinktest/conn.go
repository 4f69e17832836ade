package rethinktest

import (
	"bufio"
	"net"
	"sync"

	p "gopkg.in/rethinkdb/rethinkdb-go.v6/ql2"
)

// conn is one client connection. Queries are read in order; a CONTINUE on
// a feed with nothing buffered waits in its own goroutine so a STOP (or
// other queries) can still be read.
type conn struct {
	s  *Server
	nc net.Conn
	br *bufio.Reader

	wmu sync.Mutex // serialises response frames

	mu    sync.Mutex
	feeds map[int64]*connFeed
	wg    sync.WaitGroup
}

type connFeed struct {
	f *feed
	// waiting says a CONTINUE is outstanding; whoever clears it answers it.
	waiting bool
}

func newConn(s *Server, nc net.Conn) *conn {
	return &conn{s: s, nc: nc, br: bufio.NewReader(nc), feeds: map[int64]*connFeed{}}
}

func (c *conn) serve() {
	defer func() {
		_ = c.nc.Close()
		c.mu.Lock()
		for _, cf := range c.feeds {
			c.s.unregister(cf.f)
		}
		c.mu.Unlock()
		c.wg.Wait()
	}()
	if err := serverHandshake(c.br, c.nc, c.s.cred); err != nil {
		return
	}
	for {
		token, payload, err := readFrame(c.br)
		if err != nil {
			return
		}
		q, err := parseQuery(payload)
		if err != nil {
			c.send(token, errorResponse(clientErr("Client is buggy (failed to deserialize query): %v", err)))
			continue
		}
		c.handle(token, q)
	}
}

func (c *conn) send(token int64, r response) {
	b, err := frameResponse(token, r)
	if err != nil {
		b, _ = frameResponse(token, errorResponse(err))
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, _ = c.nc.Write(b)
}

func noreply(q query) bool {
	v, ok := q.opts["noreply"].(bool)
	return ok && v
}

func (c *conn) handle(token int64, q query) {
	switch q.typ {
	case p.Query_START:
		v, f, err := c.s.run(q)
		switch {
		case err != nil:
			if !noreply(q) {
				c.send(token, errorResponse(err))
			}
		case f != nil:
			c.mu.Lock()
			c.feeds[token] = &connFeed{f: f}
			c.mu.Unlock()
			// The first batch of a feed is empty and immediate, so the
			// client knows the feed is live before any change arrives.
			c.send(token, response{T: p.Response_SUCCESS_PARTIAL, N: []p.Response_ResponseNote{p.Response_SEQUENCE_FEED}})
		case !noreply(q):
			c.send(token, result(v))
		}
	case p.Query_CONTINUE:
		c.mu.Lock()
		cf, ok := c.feeds[token]
		if ok && !cf.waiting {
			cf.waiting = true
			c.wg.Add(1)
			go c.waitFeed(token, cf)
		}
		c.mu.Unlock()
		if !ok {
			c.send(token, errorResponse(runtimeErr(p.Response_QUERY_LOGIC, "Token %d not in stream cache.", token)))
		}
	case p.Query_STOP:
		c.mu.Lock()
		cf, ok := c.feeds[token]
		delete(c.feeds, token)
		answered := ok && cf.waiting
		c.mu.Unlock()
		if ok {
			c.s.unregister(cf.f)
		}
		// An outstanding CONTINUE is answered by its waiter; otherwise the
		// STOP itself gets the closing empty sequence unless it asked for
		// no reply (the driver's STOP does).
		if !answered && !noreply(q) {
			c.send(token, response{T: p.Response_SUCCESS_SEQUENCE})
		}
	case p.Query_NOREPLY_WAIT:
		c.send(token, response{T: p.Response_WAIT_COMPLETE})
	case p.Query_SERVER_INFO:
		c.send(token, response{T: p.Response_SERVER_INFO, R: []any{map[string]any{
			"id": c.s.id, "name": "rethinktest", "proxy": false,
		}}})
	}
}

// waitFeed answers one CONTINUE: with the next changes, or with the
// closing empty sequence when the feed stops first.
func (c *conn) waitFeed(token int64, cf *connFeed) {
	defer c.wg.Done()
	for {
		select {
		case <-cf.f.done:
			c.mu.Lock()
			cf.waiting = false
			c.mu.Unlock()
			c.send(token, response{T: p.Response_SUCCESS_SEQUENCE})
			return
		case <-cf.f.wake:
			changes := cf.f.take()
			if len(changes) == 0 {
				continue
			}
			c.mu.Lock()
			cf.waiting = false
			c.mu.Unlock()
			c.send(token, response{T: p.Response_SUCCESS_PARTIAL, R: changes, N: []p.Response_ResponseNote{p.Response_SEQUENCE_FEED}})
			return
		}
	}
}

// result shapes a finished query's value: sequences as SUCCESS_SEQUENCE,
// everything else (arrays included) as SUCCESS_ATOM.
func result(v any) response {
	switch x := v.(type) {
	case *selection:
		rows := x.rows
		if rows == nil {
			rows = []any{}
		}
		return response{T: p.Response_SUCCESS_SEQUENCE, R: rows}
	case *single:
		return response{T: p.Response_SUCCESS_ATOM, R: []any{x.row}}
	}
	d, err := toDatum(v)
	if err != nil {
		return errorResponse(err)
	}
	if _, ok := d.(minVal); ok {
		return errorResponse(logicErr("Cannot convert `r.minval` to JSON."))
	}
	if _, ok := d.(maxVal); ok {
		return errorResponse(logicErr("Cannot convert `r.maxval` to JSON."))
	}
	return response{T: p.Response_SUCCESS_ATOM, R: []any{d}}
}
