package checktest

import (
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/captest"
)

// TestSSHCommandJump reaches a real sshd through another real sshd (the
// jump host), each with its own key from the monitor's secrets.
func TestSSHCommandJump(t *testing.T) {
	p := load(t, "ssh-command")
	jump, srv := captest.SSHD(t), captest.SSHD(t)
	th, tps, _ := net.SplitHostPort(srv.Addr)
	jh, jps, _ := net.SplitHostPort(jump.Addr)
	tp, _ := strconv.Atoi(tps)
	jp, _ := strconv.Atoi(jps)
	secrets := map[string]string{"ssh_key": srv.ClientKey, "bastion_key": jump.ClientKey}
	cfg := func(cmd string) obj {
		return obj{"host": th, "port": tp, "user": srv.User, "command": cmd,
			"jump_host": jh, "jump_port": jp, "jump_key_secret": "bastion_key"}
	}
	with := func(o obj, k string, v any) obj { o[k] = v; return o }

	t.Run("the version says the plugin takes a jump host", func(t *testing.T) {
		// 0.1.0 had no jump host: a deployment pinning it in plugins.lock
		// must see a new (minor) version, not the same one changed.
		for _, info := range p.Host.Plugins() {
			if info.Name != "ssh-command" {
				continue
			}
			if info.Manifest.SSHJump == "" || !minorAtLeast(info.Version, 0, 2) {
				t.Errorf("version %q, jump field %q: want a jump host field from 0.2.0 on", info.Version, info.Manifest.SSHJump)
			}
			return
		}
		t.Fatal("ssh-command not loaded")
	})

	t.Run("runs on the target through the jump host", func(t *testing.T) {
		out := p.Expect(t, cfg("echo $SSH_CONNECTION"), secrets, abi.StatusHealthy, "exited 0")
		// SSH_CONNECTION ends with the server's port: the target's.
		if !strings.HasSuffix(strings.TrimSpace(out.Message), " "+tps) {
			t.Errorf("message %q: want the target's port %s last", out.Message, tps)
		}
	})
	t.Run("both hosts pinned", func(t *testing.T) {
		c := with(with(cfg("true"), "host_key", srv.HostKey), "jump_host_key", jump.HostFingerprint)
		p.Expect(t, c, secrets, abi.StatusHealthy)
	})
	t.Run("wrong jump host key", func(t *testing.T) {
		_, other := captest.GenKey(t)
		p.Expect(t, with(cfg("true"), "jump_host_key", other), secrets, abi.StatusFailed, "jump host", "not the pinned")
	})
	t.Run("the target's key does not open the jump host", func(t *testing.T) {
		c := cfg("true")
		delete(c, "jump_key_secret")
		p.Expect(t, c, secrets, abi.StatusFailed, "jump host", "unable to authenticate")
	})
	t.Run("jump key secret missing", func(t *testing.T) {
		p.Expect(t, cfg("true"), map[string]string{"ssh_key": srv.ClientKey}, abi.StatusUnknown, `secret "bastion_key"`)
	})
	t.Run("command failing on the target", func(t *testing.T) {
		p.Expect(t, cfg("echo nope >&2; exit 2"), secrets, abi.StatusFailed, "exited 2: nope")
	})
	t.Run("validate", func(t *testing.T) {
		p.Valid(t, cfg("true"))
		p.Invalid(t, with(cfg("true"), "jump_host", "ssh://b"), "jump_host")
		p.Invalid(t, with(cfg("true"), "jump_user", "a b"), "jump_user")
		plain := obj{"host": th, "port": tp, "user": srv.User, "command": "true"}
		p.Invalid(t, with(plain, "jump_port", 22), "jump_port")
		p.Invalid(t, with(plain, "jump_key_secret", "k"), "jump_key_secret")
	})
}

// minorAtLeast reports whether version (MAJOR.MINOR.PATCH) is at least
// major.minor.
func minorAtLeast(version string, major, minor int) bool {
	parts := strings.SplitN(version, ".", 3)
	if len(parts) < 2 {
		return false
	}
	ma, err1 := strconv.Atoi(parts[0])
	mi, err2 := strconv.Atoi(parts[1])
	return err1 == nil && err2 == nil && (ma > major || ma == major && mi >= minor)
}
