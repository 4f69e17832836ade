// Package localredis runs a private redis-server process: the one
// `runbook up` starts under its data dir when no --redis is given, and the
// ones tests start on free loopback ports so they never share state.
package localredis

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/runbookhq/runbook/internal/loopback"
)

// Options for a private Redis.
type Options struct {
	// Dir holds the Redis data files; required.
	Dir string
	// Port to listen on, 0 = a free one.
	Port int
	// Persist turns on the append-only file so write-behind logs and the
	// schedule survive a restart of the process.
	Persist bool
	// Binary is the redis-server to run (default: from PATH).
	Binary string
}

// Server is a running redis-server.
type Server struct {
	Addr string
	opts Options
	cmd  *exec.Cmd
	done chan struct{}
	mu   sync.Mutex
	err  error
}

// ErrNotInstalled says redis-server is missing and how to get it.
var ErrNotInstalled = errors.New("redis-server not found in PATH: install it with `apt-get install redis-server` (Debian) or pass --redis ADDR")

// Start runs redis-server and waits until it answers PING.
func Start(ctx context.Context, o Options) (*Server, error) {
	if o.Binary == "" {
		p, err := exec.LookPath("redis-server")
		if err != nil {
			return nil, ErrNotInstalled
		}
		o.Binary = p
	}
	// redis-server chdirs into --dir, so a relative log path would break.
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, fmt.Errorf("redis dir %s: %w", o.Dir, err)
	}
	o.Dir = dir
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating redis dir: %w", err)
	}
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port := o.Port
		if port == 0 {
			p, err := loopback.Port()
			if err != nil {
				return nil, err
			}
			port = p
		}
		s, err := start(ctx, o, port)
		if err == nil {
			return s, nil
		}
		lastErr = err
		if o.Port != 0 {
			break // a fixed port that failed will not get better
		}
	}
	return nil, lastErr
}

func start(ctx context.Context, o Options, port int) (*Server, error) {
	args := []string{
		"--port", strconv.Itoa(port),
		"--bind", "127.0.0.1",
		"--dir", o.Dir,
		"--daemonize", "no",
		"--protected-mode", "yes",
		"--save", "",
		"--logfile", filepath.Join(o.Dir, "redis.log"),
	}
	if o.Persist {
		args = append(args, "--appendonly", "yes", "--appendfsync", "everysec")
	} else {
		args = append(args, "--appendonly", "no")
	}
	cmd := exec.Command(o.Binary, args...)
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting redis-server: %w", err)
	}
	s := &Server{Addr: fmt.Sprintf("127.0.0.1:%d", port), opts: o, cmd: cmd, done: make(chan struct{})}
	go func() {
		err := cmd.Wait()
		s.mu.Lock()
		s.err = err
		s.mu.Unlock()
		close(s.done)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if ping(s.Addr) == nil {
			return s, nil
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("redis-server on port %d exited at start: %s", port, tailLog(filepath.Join(o.Dir, "redis.log")))
		case <-ctx.Done():
			s.Stop()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	s.Stop()
	return nil, fmt.Errorf("redis-server on port %d did not answer PING within 10s", port)
}

// Stop terminates the server and waits for it to exit.
func (s *Server) Stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// Kill stops the server at once, as a crash would (for fault tests).
func (s *Server) Kill() {
	_ = s.cmd.Process.Kill()
	<-s.done
}

// Restart starts a stopped server again on the same port and dir.
func (s *Server) Restart(ctx context.Context) error {
	port, _ := strconv.Atoi(s.Addr[strings.LastIndexByte(s.Addr, ':')+1:])
	n, err := start(ctx, s.opts, port)
	if err != nil {
		return err
	}
	s.cmd, s.done = n.cmd, n.done
	return nil
}

func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "+PONG") {
		return fmt.Errorf("redis answered %q", strings.TrimSpace(line))
	}
	return nil
}

func tailLog(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(no log)"
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 3 {
		lines = lines[len(lines)-3:]
	}
	return strings.Join(lines, " | ")
}
