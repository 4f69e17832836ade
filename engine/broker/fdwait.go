package broker

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	zmq "github.com/pebbe/zmq4"
)

// Waiting for a ZeroMQ socket in zmq_poll or a blocking zmq_recv is a cgo
// call that holds an OS thread and its P for as long as it blocks. With a
// poll loop per broker, consumer and producer, Go's sysmon thread kept
// taking those Ps back and never backed off from its 20 µs sleep: at 200
// checks/s it alone was ~32 context switches and ~590 µs of CPU per check,
// half the pipeline's Go CPU, and it ran the same way when idle. An
// fdWaiter waits in Go's netpoller instead, on the socket's ZMQ_FD: only
// short, non-blocking cgo calls remain.
//
// ZMQ_FD is edge-triggered: it says "look at ZMQ_EVENTS", and after any
// send or receive on the socket the events must be read again before
// waiting (readable does that). The fd belongs to the socket; the waiter
// watches a dup of it, so closing the waiter never closes the socket's.
type fdWaiter struct {
	sock *zmq.Socket
	f    *os.File
	rc   syscall.RawConn
}

func newFDWaiter(s *zmq.Socket) (*fdWaiter, error) {
	fd, err := s.GetFd()
	if err != nil {
		return nil, fmt.Errorf("reading the socket's ZMQ_FD: %w", err)
	}
	dup, err := syscall.Dup(int(fd))
	if err != nil {
		return nil, fmt.Errorf("duplicating the socket's ZMQ_FD: %w", err)
	}
	// Non-blocking is what makes os.NewFile put it in the netpoller (the
	// flag is shared with the socket's own fd, which libzmq made
	// non-blocking already).
	if err := syscall.SetNonblock(dup, true); err != nil {
		syscall.Close(dup)
		return nil, fmt.Errorf("making ZMQ_FD non-blocking: %w", err)
	}
	f := os.NewFile(uintptr(dup), "zmq-fd")
	// Not in the netpoller (deadlines unsupported), waits would fail at
	// once and the loops spin: refuse instead.
	if err := f.SetReadDeadline(time.Time{}); err != nil {
		f.Close()
		return nil, fmt.Errorf("ZMQ_FD cannot be polled by Go: %w", err)
	}
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("polling ZMQ_FD: %w", err)
	}
	return &fdWaiter{sock: s, f: f, rc: rc}, nil
}

// readable says whether a message can be received now. It is a cgo call
// that also processes the socket's pending commands.
func (w *fdWaiter) readable() bool {
	ev, err := w.sock.GetEvents()
	return err == nil && ev&zmq.POLLIN != 0
}

// wait blocks until the fd signals (something may have changed: check
// readable), d passes, or the waiter is closed (false).
func (w *fdWaiter) wait(d time.Duration) bool {
	_ = w.f.SetReadDeadline(time.Now().Add(d))
	first := true
	err := w.rc.Read(func(uintptr) bool {
		if first {
			first = false
			return false // wait for readiness
		}
		return true
	})
	return err == nil || errors.Is(err, os.ErrDeadlineExceeded)
}

// waitReadable waits until a message can be received, d passes or the
// waiter is closed; it reports whether one can be received.
func (w *fdWaiter) waitReadable(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		if w.readable() {
			return true
		}
		left := time.Until(deadline)
		if left <= 0 || !w.wait(left) {
			return false
		}
	}
}

// notify sends on ch (without blocking: one pending wake-up is enough)
// each time the fd signals, until the waiter is closed. For loops that
// wait on several sockets and channels at once.
func (w *fdWaiter) notify(ch chan<- struct{}) {
	for w.wait(time.Hour) {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// close stops wait and notify; the socket is untouched.
func (w *fdWaiter) close() { _ = w.f.Close() }
