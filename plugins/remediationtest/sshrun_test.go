package remediationtest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/captest"
)

// TestSSHRun runs commands on a real OpenSSH sshd on loopback and checks
// their effects on the file system, not only the reported result.
func TestSSHRun(t *testing.T) {
	p := load(t, "ssh-run")
	srv := captest.SSHD(t)
	target, secrets := sshTarget(t, srv)
	dir := t.TempDir()
	run := func(cmd string) obj { return with(target, "command", cmd) }

	t.Run("the command runs and its output is the message", func(t *testing.T) {
		marker := filepath.Join(dir, "ran")
		p.Expect(t, run("echo restarted >"+marker+" && echo done"), secrets, abi.StatusOK, `"echo restarted`, "exit 0: done")
		if b, err := os.ReadFile(marker); err != nil || string(b) != "restarted\n" {
			t.Fatalf("marker: %q, %v", b, err)
		}
	})

	t.Run("non-zero exit fails with stderr", func(t *testing.T) {
		p.Expect(t, run("echo partial; echo disk full >&2; exit 3"), secrets, abi.StatusFailed, "exit 3: disk full")
	})

	t.Run("non-zero exit without stderr quotes stdout", func(t *testing.T) {
		p.Expect(t, run("echo nothing to do; exit 1"), secrets, abi.StatusFailed, "exit 1: nothing to do")
	})

	t.Run("output is capped", func(t *testing.T) {
		out := p.Expect(t, run("head -c 100000 /dev/zero | tr '\\0' x"), secrets, abi.StatusOK, "[…]")
		if len(out.Message) > 1200 {
			t.Errorf("message is %d bytes", len(out.Message))
		}
	})

	t.Run("pinned host key and fingerprint", func(t *testing.T) {
		p.Expect(t, with(run("true"), "host_key", srv.HostKey), secrets, abi.StatusOK)
		p.Expect(t, with(run("true"), "host_key", srv.HostFingerprint), secrets, abi.StatusOK)
	})

	t.Run("wrong host key: failed, and nothing ran", func(t *testing.T) {
		_, other := captest.GenKey(t)
		marker := filepath.Join(dir, "mitm")
		p.Expect(t, with(run("touch "+marker), "host_key", other), secrets, abi.StatusFailed, "pinned")
		if _, err := os.Stat(marker); !os.IsNotExist(err) {
			t.Errorf("the command ran on a server whose key was not the pinned one (%v)", err)
		}
	})

	t.Run("key refused", func(t *testing.T) {
		key, _ := captest.GenKey(t)
		p.Expect(t, run("true"), map[string]string{"ssh_key": key}, abi.StatusFailed, "unable to authenticate")
	})

	t.Run("key from a named secret; missing secret names the field", func(t *testing.T) {
		p.Expect(t, with(run("true"), "key_secret", "deploy"), map[string]string{"deploy": srv.ClientKey}, abi.StatusOK)
		p.Expect(t, run("true"), nil, abi.StatusFailed, "key_secret", `"ssh_key"`)
	})

	t.Run("timeout", func(t *testing.T) {
		p.Expect(t, with(run("sleep 10"), "timeout", 0.5), secrets, abi.StatusFailed, "deadline")
	})

	t.Run("port defaults to 22", func(t *testing.T) {
		p.Expect(t, with(run("true"), "port", nil), secrets, abi.StatusFailed, ":22")
	})

	t.Run("validation", func(t *testing.T) {
		p.Valid(t, run("systemctl restart nginx"))
		p.Invalid(t, target, "command")
		p.Invalid(t, run("  "), "command")
		p.Invalid(t, with(run("true"), "user", nil), "user")
		p.Invalid(t, with(run("true"), "user", "root; reboot"), "user")
		p.Invalid(t, with(run("true"), "host", "ssh://h"), "host")
		p.Invalid(t, with(run("true"), "key", "PEM"), "key")
	})
}
