package rethinktest

import (
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// Options configure a Server.
type Options struct {
	// Password of the admin user; empty, as on a fresh RethinkDB, allows
	// any client that sends an empty password.
	Password string
	// Iterations of PBKDF2 for SCRAM; 0 means 4096, RethinkDB's default.
	Iterations int
}

// Server is an in-memory RethinkDB speaking the wire protocol on a
// loopback port.
type Server struct {
	ln   net.Listener
	cred credentials
	id   string

	mu    sync.Mutex // guards data and feeds; held for a whole query
	data  *data
	feeds map[*feed]struct{}

	connMu sync.Mutex
	conns  map[*conn]struct{}
	closed bool
	wg     sync.WaitGroup

	refuse atomic.Bool
}

// Start listens on 127.0.0.1:0 and serves until Close.
func Start(opts Options) (*Server, error) {
	if opts.Iterations <= 0 {
		opts.Iterations = 4096
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("rethinktest: listening on loopback: %w", err)
	}
	s := &Server{
		ln:    ln,
		cred:  newCredentials("admin", opts.Password, opts.Iterations),
		id:    uuid(),
		data:  newData(),
		feeds: map[*feed]struct{}{},
		conns: map[*conn]struct{}{},
	}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// New starts a server for t and closes it when t ends.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Addr is the host:port clients connect to.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// RefuseWrites makes every write fail as on a RethinkDB that lost its
// primary replica (on=true), or accepts writes again (on=false).
func (s *Server) RefuseWrites(on bool) { s.refuse.Store(on) }

func (s *Server) refusingWrites() bool { return s.refuse.Load() }

// DropConnections closes every client connection, as a server restart or a
// network cut would, and reports how many there were. The server keeps
// accepting new connections.
func (s *Server) DropConnections() int {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	for c := range s.conns {
		_ = c.nc.Close()
	}
	return len(s.conns)
}

// Close stops the server and waits for its goroutines.
func (s *Server) Close() error {
	s.connMu.Lock()
	if s.closed {
		s.connMu.Unlock()
		return nil
	}
	s.closed = true
	err := s.ln.Close()
	for c := range s.conns {
		_ = c.nc.Close()
	}
	s.connMu.Unlock()
	s.wg.Wait()
	return err
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		c := newConn(s, nc)
		s.connMu.Lock()
		if s.closed {
			s.connMu.Unlock()
			_ = nc.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.connMu.Unlock()
		go func() {
			defer s.wg.Done()
			c.serve()
			s.connMu.Lock()
			delete(s.conns, c)
			s.connMu.Unlock()
		}()
	}
}

// run evaluates one START query's term. Feeds are registered under the same
// lock as the evaluation so no write can slip between the two.
func (s *Server) run(q query) (any, *feed, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := &evaluator{s: s, defaultDB: "test"}
	if t, ok := q.opts["db"]; ok {
		v, err := e.eval(t)
		if err != nil {
			return nil, nil, err
		}
		d, ok := v.(*dbRef)
		if !ok {
			return nil, nil, logicErr("Expected type DATABASE but found %s", valueName(v))
		}
		e.defaultDB = d.db.name
	}
	v, err := e.eval(q.term)
	if err != nil {
		return nil, nil, err
	}
	if c, ok := v.(*changesFeed); ok {
		f := newFeed(c)
		s.feeds[f] = struct{}{}
		return nil, f, nil
	}
	return v, nil, nil
}

func (s *Server) unregister(f *feed) {
	s.mu.Lock()
	delete(s.feeds, f)
	s.mu.Unlock()
	f.stop()
}
