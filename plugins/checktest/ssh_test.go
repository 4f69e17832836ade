package checktest

import (
	"net"
	"strconv"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/captest"
)

// TestSSHCommand runs commands on a real OpenSSH sshd on loopback, with
// the key in the call's secrets.
func TestSSHCommand(t *testing.T) {
	p := load(t, "ssh-command")
	srv := captest.SSHD(t)
	h, ps, _ := net.SplitHostPort(srv.Addr)
	port, _ := strconv.Atoi(ps)
	secrets := map[string]string{"ssh_key": srv.ClientKey}
	otherKey, otherHostKey := captest.GenKey(t)
	base := func(cmd string) obj { return obj{"host": h, "port": port, "user": srv.User, "command": cmd} }
	with := func(o obj, k string, v any) obj { o[k] = v; return o }
	tests := []struct {
		name    string
		cfg     obj
		secrets map[string]string
		status  string
		frag    string
	}{
		{"exit 0", base("echo up"), secrets, abi.StatusHealthy, "exited 0: up"},
		{"exit 1", base("echo broken >&2; exit 1"), secrets, abi.StatusFailed, "exited 1: broken"},
		{"expected output", with(base("echo active"), "expected_output", "^active$"), secrets, abi.StatusHealthy, ""},
		{"unexpected output", with(base("echo inactive"), "expected_output", "^active"), secrets, abi.StatusFailed, "does not match"},
		{"pinned host key", with(base("true"), "host_key", srv.HostKey), secrets, abi.StatusHealthy, ""},
		{"wrong pinned host key", with(base("true"), "host_key", otherHostKey), secrets, abi.StatusFailed, "not the pinned"},
		{"key from a named secret", with(base("true"), "key_secret", "deploy"), map[string]string{"deploy": srv.ClientKey}, abi.StatusHealthy, ""},
		{"secret missing", base("true"), nil, abi.StatusUnknown, `secret "ssh_key"`},
		{"key refused", base("true"), map[string]string{"ssh_key": otherKey}, abi.StatusFailed, "unable to authenticate"},
		{"timeout", with(base("sleep 5"), "timeout", 0.5), secrets, abi.StatusFailed, "deadline"},
		// Port 22 of the same host is not the configured port: the target
		// policy refuses before anything is dialled.
		{"default port is 22", obj{"host": h, "user": srv.User, "command": "true"}, secrets, abi.StatusFailed, ":22"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { p.Expect(t, tt.cfg, tt.secrets, tt.status, tt.frag) })
	}
	t.Run("validate", func(t *testing.T) {
		p.Invalid(t, obj{"host": h, "user": "u"}, "command")
		p.Invalid(t, obj{"host": h, "command": "true"}, "user")
		p.Invalid(t, with(base("true"), "expected_output", "("), "expected_output")
		p.Valid(t, base("true"))
	})
}
