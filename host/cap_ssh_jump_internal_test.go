package host

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/captest"
	"golang.org/x/crypto/ssh"
)

// TestSSHJump reaches a real sshd through another real sshd (the jump
// host, which allows TCP forwarding), each hop with its own key and host
// key, and holds both hops to the addresses the config names.
func TestSSHJump(t *testing.T) {
	jump, srv := captest.SSHD(t), captest.SSHD(t)
	tempRoot := filepath.Dir(t.TempDir()) // where captest.SSHD keeps its files
	jh, jp, _ := net.SplitHostPort(jump.Addr)
	th, tp, _ := net.SplitHostPort(srv.Addr)
	m := abi.Manifest{Target: "host", TargetPort: "port", SSHJump: "jump_host", SSHJumpPort: "jump_port", Capabilities: []string{abi.CapSSH, abi.CapTCP}}
	cfg := map[string]any{"host": th, "port": tp, "jump_host": jh, "jump_port": jp}
	otherKey, otherPub := captest.GenKey(t)
	hop := abi.SSHJump{Address: jump.Addr, User: jump.User, PrivateKey: []byte(jump.ClientKey)}
	base := abi.SSHRequest{Address: srv.Addr, User: srv.User, PrivateKey: []byte(srv.ClientKey), Command: "echo $SSH_CONNECTION", TimeoutMS: 10000, Jump: &hop}
	with := func(f func(r *abi.SSHRequest, j *abi.SSHJump)) abi.SSHRequest {
		r, j := base, hop
		r.Jump = &j
		f(&r, &j)
		return r
	}
	noop := func(*abi.SSHRequest, *abi.SSHJump) {}

	t.Run("through the jump host", func(t *testing.T) {
		var res abi.SSHResponse
		wantCode(t, newProbe(t, m, cfg).call(t, abi.CapSSH, with(noop), &res), "")
		// The target's sshd ran the command (its port in SSH_CONNECTION),
		// and each hop presented its own host key.
		if f := strings.Fields(string(res.Stdout)); len(f) != 4 || f[3] != tp {
			t.Errorf("SSH_CONNECTION %q: want server port %s", res.Stdout, tp)
		}
		if res.HostKeyFingerprint != srv.HostFingerprint || res.JumpHostKeyFingerprint != jump.HostFingerprint {
			t.Errorf("fingerprints target %s jump %s; want %s and %s", res.HostKeyFingerprint, res.JumpHostKeyFingerprint, srv.HostFingerprint, jump.HostFingerprint)
		}
	})
	t.Run("both host keys pinned", func(t *testing.T) {
		req := with(func(r *abi.SSHRequest, j *abi.SSHJump) { r.HostKey = srv.HostKey; j.HostKey = jump.HostFingerprint })
		wantCode(t, newProbe(t, m, cfg).call(t, abi.CapSSH, req, nil), "")
	})
	failures := []struct {
		name, code, text string
		edit             func(r *abi.SSHRequest, j *abi.SSHJump)
	}{
		{"wrong jump host key", abi.ErrCodeFailed, "not the pinned", func(_ *abi.SSHRequest, j *abi.SSHJump) { j.HostKey = otherPub }},
		{"wrong target host key", abi.ErrCodeFailed, "not the pinned", func(r *abi.SSHRequest, _ *abi.SSHJump) { r.HostKey = otherPub }},
		// The target's key does not open the jump host: each hop
		// authenticates with its own key.
		{"jump key refused", abi.ErrCodeFailed, "jump host", func(_ *abi.SSHRequest, j *abi.SSHJump) { j.PrivateKey = []byte(otherKey) }},
		{"target key refused", abi.ErrCodeFailed, "via " + jump.Addr, func(r *abi.SSHRequest, _ *abi.SSHJump) { r.PrivateKey = []byte(otherKey) }},
		{"jump without a key", abi.ErrCodeBadRequest, "jump: private key", func(_ *abi.SSHRequest, j *abi.SSHJump) { j.PrivateKey = nil }},
		{"jump without a user", abi.ErrCodeBadRequest, "jump: user", func(_ *abi.SSHRequest, j *abi.SSHJump) { j.User = "" }},
		// Policy: the jump is only the config's jump host, the target
		// only the config's target.
		{"jump at the target's address", abi.ErrCodeDenied, "not the config's jump host", func(_ *abi.SSHRequest, j *abi.SSHJump) { j.Address = srv.Addr }},
		{"jump by another name", abi.ErrCodeDenied, "not the config's jump host", func(_ *abi.SSHRequest, j *abi.SSHJump) { j.Address = "localhost:" + jp }},
		{"jump default port 22", abi.ErrCodeDenied, "not the config's jump host", func(_ *abi.SSHRequest, j *abi.SSHJump) { j.Address = jh }},
		{"target at the jump's address", abi.ErrCodeDenied, "not the monitor's target", func(r *abi.SSHRequest, _ *abi.SSHJump) { r.Address = jump.Addr }},
	}
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			he := newProbe(t, m, cfg).call(t, abi.CapSSH, with(tt.edit), nil)
			wantCode(t, he, tt.code)
			if he != nil && !strings.Contains(he.Message, tt.text) {
				t.Errorf("message %q: want %q", he.Message, tt.text)
			}
		})
	}
	t.Run("the deadline ends a command run through the jump host", func(t *testing.T) {
		start := time.Now()
		req := with(func(r *abi.SSHRequest, _ *abi.SSHJump) { r.Command, r.TimeoutMS = "sleep 10", 500 })
		he := newProbe(t, m, cfg).call(t, abi.CapSSH, req, nil)
		wantCode(t, he, abi.ErrCodeFailed)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %s; the timeout was 500ms", d)
		}
	})
	t.Run("config without a jump host", func(t *testing.T) {
		he := newProbe(t, m, map[string]any{"host": th, "port": tp}).call(t, abi.CapSSH, with(noop), nil)
		wantCode(t, he, abi.ErrCodeDenied)
	})
	t.Run("manifest without a jump field", func(t *testing.T) {
		plain := abi.Manifest{Target: "host", TargetPort: "port", Capabilities: []string{abi.CapSSH}}
		he := newProbe(t, plain, cfg).call(t, abi.CapSSH, with(noop), nil)
		wantCode(t, he, abi.ErrCodeDenied)
	})
	t.Run("the jump field allows nothing but the ssh jump", func(t *testing.T) {
		// Reaching the jump host directly (as the target) is still denied.
		direct := base
		direct.Address, direct.Jump = jump.Addr, nil
		direct.PrivateKey = []byte(jump.ClientKey)
		for _, he := range []*abi.HostError{
			newProbe(t, m, cfg).call(t, abi.CapSSH, direct, nil),
			newProbe(t, m, cfg).call(t, abi.CapTCP, abi.TCPRequest{Address: jump.Addr}, nil),
		} {
			wantCode(t, he, abi.ErrCodeDenied)
			if he != nil && !strings.Contains(he.Message, "not the monitor's target") {
				t.Errorf("message %q: want the target policy", he.Message)
			}
		}
	})
	t.Run("a dry run records the jump host too", func(t *testing.T) {
		p := newProbe(t, m, cfg)
		rec := &dryRunRecord{}
		p.st.dryRun = rec
		wantCode(t, p.call(t, abi.CapSSH, with(noop), nil), ErrCodeDryRun)
		want := []string{net.JoinHostPort(th, tp), "ssh-jump://" + net.JoinHostPort(jh, jp)}
		if got := rec.list(); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("would reach %q; want %q", got, want)
		}
		// A jump host the config does not name is still refused as such.
		p = newProbe(t, m, cfg)
		p.st.dryRun = &dryRunRecord{}
		he := p.call(t, abi.CapSSH, with(func(_ *abi.SSHRequest, j *abi.SSHJump) { j.Address = srv.Addr }), nil)
		wantCode(t, he, abi.ErrCodeDenied)
	})
	// Last: it changes the jump sshd's authorized_keys for good.
	t.Run("the tunnel is the jump host's", func(t *testing.T) {
		// With forwarding refused for the jump key, the target cannot be
		// reached: proof the connection goes through the jump host.
		restrictKey(t, tempRoot, jump, "no-port-forwarding")
		he := newProbe(t, m, cfg).call(t, abi.CapSSH, with(noop), nil)
		wantCode(t, he, abi.ErrCodeFailed)
		if he != nil && !strings.Contains(he.Message, "tunnel from jump host") {
			t.Errorf("message %q: want the tunnel refused", he.Message)
		}
	})
}

// restrictKey prefixes srv's client key in its authorized_keys (which
// sshd reads on every login) with opts. captest.SSHD wrote that file in
// a directory under tempRoot.
func restrictKey(t *testing.T, tempRoot string, srv *captest.SSHServer, opts string) {
	t.Helper()
	signer, err := ssh.ParsePrivateKey([]byte(srv.ClientKey))
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey())))
	files, _ := filepath.Glob(filepath.Join(tempRoot, "*", "authorized_keys"))
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil && strings.TrimSpace(string(b)) == line {
			if err := os.WriteFile(f, []byte(opts+" "+line+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("authorized_keys of the sshd at %s not found among %v", srv.Addr, files)
}
