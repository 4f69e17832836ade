package host

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/captest"
)

// TestSSH runs commands on a real OpenSSH sshd on loopback.
func TestSSH(t *testing.T) {
	srv := captest.SSHD(t)
	host, port, _ := net.SplitHostPort(srv.Addr)
	m := abi.Manifest{Target: "host", TargetPort: "port", TargetDefaultPort: 22, Capabilities: []string{abi.CapSSH}}
	cfg := map[string]any{"host": host, "port": port}
	otherKey, otherPub := captest.GenKey(t)
	base := abi.SSHRequest{Address: srv.Addr, User: srv.User, PrivateKey: []byte(srv.ClientKey), TimeoutMS: 10000}
	with := func(f func(r *abi.SSHRequest)) abi.SSHRequest { r := base; f(&r); return r }

	tests := []struct {
		name    string
		req     abi.SSHRequest
		code    string
		errText string
		check   func(t *testing.T, r abi.SSHResponse)
	}{
		{name: "exit 0 with output", req: with(func(r *abi.SSHRequest) { r.Command = "echo out; echo err >&2" }),
			check: func(t *testing.T, r abi.SSHResponse) {
				if r.ExitStatus != 0 || string(r.Stdout) != "out\n" || string(r.Stderr) != "err\n" || r.HostKeyFingerprint != srv.HostFingerprint {
					t.Errorf("got %+v", r)
				}
			}},
		{name: "non-zero exit is a response", req: with(func(r *abi.SSHRequest) { r.Command = "exit 3" }),
			check: func(t *testing.T, r abi.SSHResponse) {
				if r.ExitStatus != 3 {
					t.Errorf("got %+v", r)
				}
			}},
		{name: "stdin", req: with(func(r *abi.SSHRequest) { r.Command = "tr a-z A-Z"; r.Stdin = []byte("hello") }),
			check: func(t *testing.T, r abi.SSHResponse) {
				if string(r.Stdout) != "HELLO" {
					t.Errorf("got %q", r.Stdout)
				}
			}},
		{name: "output capped", req: with(func(r *abi.SSHRequest) { r.Command = "head -c 200000 /dev/zero"; r.MaxOutputBytes = 1 << 20 }),
			check: func(t *testing.T, r abi.SSHResponse) {
				if len(r.Stdout) != maxSSHOutput || !r.StdoutTruncated {
					t.Errorf("stdout %d bytes truncated=%v; want %d", len(r.Stdout), r.StdoutTruncated, maxSSHOutput)
				}
			}},
		{name: "host key pinned (authorized_keys line)", req: with(func(r *abi.SSHRequest) { r.Command = "true"; r.HostKey = srv.HostKey })},
		{name: "host key pinned (fingerprint)", req: with(func(r *abi.SSHRequest) { r.Command = "true"; r.HostKey = srv.HostFingerprint })},
		{name: "wrong host key", req: with(func(r *abi.SSHRequest) { r.Command = "true"; r.HostKey = otherPub }),
			code: abi.ErrCodeFailed, errText: "not the pinned"},
		{name: "key not authorized", req: with(func(r *abi.SSHRequest) { r.Command = "true"; r.PrivateKey = []byte(otherKey) }),
			code: abi.ErrCodeFailed, errText: "unable to authenticate"},
		{name: "no key", req: with(func(r *abi.SSHRequest) { r.Command = "true"; r.PrivateKey = nil }),
			code: abi.ErrCodeBadRequest, errText: "secrets"},
		{name: "command timeout", req: with(func(r *abi.SSHRequest) { r.Command = "sleep 10"; r.TimeoutMS = 500 }),
			code: abi.ErrCodeFailed, errText: "deadline"},
		{name: "another port denied", req: with(func(r *abi.SSHRequest) { r.Command = "true"; r.Address = host + ":22" }),
			code: abi.ErrCodeDenied},
		{name: "default port 22 is not the target port", req: with(func(r *abi.SSHRequest) { r.Command = "true"; r.Address = host }),
			code: abi.ErrCodeDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProbe(t, m, cfg)
			var res abi.SSHResponse
			start := time.Now()
			he := p.call(t, abi.CapSSH, tt.req, &res)
			wantCode(t, he, tt.code)
			if he != nil && !strings.Contains(he.Message, tt.errText) {
				t.Errorf("message %q: want %q", he.Message, tt.errText)
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %s", time.Since(start))
			}
			if tt.check != nil {
				tt.check(t, res)
			}
		})
	}
}

// TestSSHCallDeadline: the call's deadline (not only timeout_ms) ends a
// running command.
func TestSSHCallDeadline(t *testing.T) {
	srv := captest.SSHD(t)
	p := newProbe(t, abi.Manifest{Target: "addr", Capabilities: []string{abi.CapSSH}}, map[string]any{"addr": srv.Addr})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	he := p.callCtx(t, ctx, abi.CapSSH, abi.SSHRequest{Address: srv.Addr, User: srv.User, PrivateKey: []byte(srv.ClientKey), Command: "sleep 10"}, nil)
	wantCode(t, he, abi.ErrCodeFailed)
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("took %s; the call's deadline was 1s", d)
	}
}
