package checktest

import (
	"reflect"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
)

// Names that would run something else if they reached a shell unquoted,
// or become an option.
var hostileNames = []string{"nginx;reboot", "nginx && touch /tmp/x", "$(reboot)", "`reboot`", "nginx|sh",
	"nginx\nreboot", "-H", "--help", "ngi nx", "nginx'", `nginx\x2d`, "nginx>x", ""}

// TestLinuxServiceRunning asks a fake systemctl (systemd cannot run here)
// over a real sshd, and asserts the exact argv the remote shell ran.
func TestLinuxServiceRunning(t *testing.T) {
	p := load(t, "linux-service-running")
	r := fakeRemote(t)
	target, secrets := sshTarget(t, r.SSHServer)
	unit := func(name string) obj {
		o := obj{"unit": name}
		for k, v := range target {
			o[k] = v
		}
		return o
	}

	tests := []struct {
		unit, status string
		frag         []string
	}{
		{"nginx.service", abi.StatusHealthy, []string{"unit nginx.service is active"}},
		{"getty@tty1.service", abi.StatusHealthy, []string{"is active"}},
		{"stopped.service", abi.StatusFailed, []string{"unit stopped.service is inactive"}},
		{"crashed", abi.StatusFailed, []string{"unit crashed is failed"}},
		// No state word, a non-zero exit: failed, saying what systemctl said.
		{"nobus", abi.StatusFailed, []string{`"systemctl is-active nobus" exited 1`, "not been booted with systemd"}},
	}
	for _, tt := range tests {
		t.Run(tt.unit, func(t *testing.T) {
			r.Reset(t)
			out := p.Expect(t, unit(tt.unit), secrets, tt.status, tt.frag...)
			if want := [][]string{{"systemctl", "is-active", tt.unit}}; !reflect.DeepEqual(r.Calls(t), want) {
				t.Errorf("remote ran %q; want %q", r.Calls(t), want)
			}
			if active := out.Metrics["active"]; tt.status != abi.StatusFailed || tt.unit == "nobus" {
				if tt.status == abi.StatusHealthy && active != 1 {
					t.Errorf("metric active = %v; want 1", active)
				}
			} else if active != 0 {
				t.Errorf("metric active = %v; want 0", active)
			}
		})
	}
	t.Run("hostile unit names are refused naming the field, and never run", func(t *testing.T) {
		r.Reset(t)
		for _, u := range hostileNames {
			p.Invalid(t, unit(u), "unit")
			refused(t, p, unit(u), secrets, "unit")
		}
		if calls := r.Calls(t); calls != nil {
			t.Errorf("remote ran %q", calls)
		}
	})
	t.Run("validation", func(t *testing.T) {
		p.Valid(t, unit("a:b_c.d@e-f"))
		p.Invalid(t, target, "unit")
	})
}

// TestDockerContainerRunning asks a fake docker (no daemon here) over a
// real sshd, and asserts the exact argv the remote shell ran.
func TestDockerContainerRunning(t *testing.T) {
	p := load(t, "docker-container-running")
	r := fakeRemote(t)
	target, secrets := sshTarget(t, r.SSHServer)
	container := func(name string) obj {
		o := obj{"container": name}
		for k, v := range target {
			o[k] = v
		}
		return o
	}

	tests := []struct {
		name, status string
		frag         []string
		running      float64
	}{
		{"web", abi.StatusHealthy, []string{"container web is running"}, 1},
		{"0123abcd", abi.StatusHealthy, []string{"is running"}, 1},
		{"stopped-db", abi.StatusFailed, []string{"container stopped-db is not running"}, 0},
		{"missing", abi.StatusFailed, []string{"exited 1", "No such container: missing"}, -1},
		{"garbled", abi.StatusUnknown, []string{`"<no value>": want true or false`}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.Reset(t)
			out := p.Expect(t, container(tt.name), secrets, tt.status, tt.frag...)
			want := [][]string{{"docker", "inspect", "--type", "container", "-f", "{{.State.Running}}", tt.name}}
			if got := r.Calls(t); !reflect.DeepEqual(got, want) {
				t.Errorf("remote ran %q; want %q", got, want)
			}
			if got, ok := out.Metrics["running"]; tt.running >= 0 && (!ok || got != tt.running) {
				t.Errorf("metric running = %v; want %v", got, tt.running)
			}
		})
	}
	t.Run("hostile container names are refused naming the field, and never run", func(t *testing.T) {
		r.Reset(t)
		for _, c := range append(hostileNames, "_x", "a/b") {
			p.Invalid(t, container(c), "container")
			refused(t, p, container(c), secrets, "container")
		}
		if calls := r.Calls(t); calls != nil {
			t.Errorf("remote ran %q", calls)
		}
	})
}
