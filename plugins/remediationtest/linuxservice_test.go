package remediationtest

import (
	"reflect"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
)

// TestLinuxService drives systemctl/service over a real sshd whose PATH
// starts with fakes that record their argv (see fakeRemote), and asserts
// the exact argv the remote shell ran.
func TestLinuxService(t *testing.T) {
	p := load(t, "linux-service")
	r := fakeRemote(t)
	target, secrets := sshTarget(t, r.SSHServer)
	unit := func(name string) obj { return with(target, "unit", name) }

	argv := func(t *testing.T, cfg obj, want ...[]string) {
		t.Helper()
		r.Reset(t)
		p.Expect(t, cfg, secrets, abi.StatusOK, "exit 0")
		if got := r.Calls(t); !reflect.DeepEqual(got, want) {
			t.Errorf("remote ran %q; want %q", got, want)
		}
	}
	t.Run("restart is the default action", func(t *testing.T) {
		argv(t, unit("nginx.service"), []string{"systemctl", "restart", "nginx.service"})
	})
	t.Run("start, stop, template instance", func(t *testing.T) {
		argv(t, with(unit("getty@tty1.service"), "action", "start"), []string{"systemctl", "start", "getty@tty1.service"})
		argv(t, with(unit("nginx"), "action", "stop"), []string{"systemctl", "stop", "nginx"})
	})
	t.Run("SysV service", func(t *testing.T) {
		argv(t, with(with(unit("nginx"), "manager", "service"), "action", "stop"), []string{"service", "nginx", "stop"})
	})
	t.Run("sudo -n", func(t *testing.T) {
		argv(t, with(unit("nginx"), "sudo", true),
			[]string{"sudo", "-n", "systemctl", "restart", "nginx"},
			[]string{"systemctl", "restart", "nginx"})
	})
	t.Run("systemctl failing is failed with its stderr", func(t *testing.T) {
		p.Expect(t, unit("missing.service"), secrets, abi.StatusFailed,
			"systemctl restart missing.service on 127.0.0.1: exit 5: systemctl: restart missing.service failed: not found")
	})

	// Every one of these would run something else if it reached a shell
	// unquoted, or become an option to systemctl.
	hostile := []string{"nginx;reboot", "nginx && touch /tmp/x", "$(reboot)", "`reboot`", "nginx|sh",
		"nginx\nreboot", "-H evil", "--help", "ngi nx", "nginx'", `nginx\x2d`, "nginx>x", ""}
	t.Run("hostile unit names are refused naming the field, and never run", func(t *testing.T) {
		r.Reset(t)
		for _, u := range hostile {
			p.Invalid(t, unit(u), "unit")
			p.Expect(t, unit(u), secrets, abi.StatusFailed, "unit")
		}
		if calls := r.Calls(t); calls != nil {
			t.Errorf("remote ran %q", calls)
		}
	})
	t.Run("validation", func(t *testing.T) {
		p.Valid(t, unit("systemd-journald.service"))
		p.Valid(t, with(unit("a:b_c.d@e-f"), "action", "restart"))
		p.Invalid(t, with(unit("nginx"), "action", "reload"), "action")
		p.Invalid(t, with(unit("nginx"), "manager", "rc"), "manager")
		p.Invalid(t, with(unit("nginx"), "sudo", "yes"), "sudo")
		p.Invalid(t, target, "unit")
	})
}
