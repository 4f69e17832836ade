package loopback

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
)

// The pool: above the well-known and registered ports most machines run
// (6379, 8080, 9090...) and below Linux's default ephemeral range
// (32768-60999), which ephemeralFloor reads when it can.
const (
	poolFloor   = 20000
	defaultTop  = 32768
	maxAttempts = 200
)

var (
	mu       sync.Mutex
	reserved = map[int]*os.File{} // held open: closing would drop the lock
)

// Port returns a loopback TCP port that was free when checked and that
// no other caller of Port, in this process or another, will be given
// while this process lives.
func Port() (int, error) {
	mu.Lock()
	defer mu.Unlock()
	top := ephemeralFloor()
	dir := filepath.Join(os.TempDir(), "runbook-ports-"+strconv.Itoa(os.Getuid()))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, fmt.Errorf("reserving a loopback port: %w", err)
	}
	for range maxAttempts {
		port := poolFloor + rand.IntN(top-poolFloor)
		if _, taken := reserved[port]; taken {
			continue
		}
		f, err := lock(filepath.Join(dir, strconv.Itoa(port)))
		if err != nil {
			continue // another process holds it
		}
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			f.Close() // something outside our pool scheme listens there
			continue
		}
		l.Close()
		reserved[port] = f
		return port, nil
	}
	return 0, fmt.Errorf("reserving a loopback port: no free port in %d-%d after %d tries", poolFloor, top-1, maxAttempts)
}

// Endpoint is a ZeroMQ TCP endpoint on a port from Port.
func Endpoint() (string, error) {
	p, err := Port()
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("tcp://127.0.0.1:%d", p), nil
}

// lock takes an exclusive, non-blocking flock on path. The kernel drops
// it when the process exits, so a crashed run leaves nothing reserved.
func lock(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, err
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return f, nil
}

// ephemeralFloor is the lowest port the kernel hands out on its own.
func ephemeralFloor() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return defaultTop
	}
	var lo, hi int
	if _, err := fmt.Sscan(string(b), &lo, &hi); err != nil || lo <= poolFloor+1000 {
		return defaultTop
	}
	return lo
}
