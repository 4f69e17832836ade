package remediationtest

import (
	"reflect"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
)

// TestDocker drives the docker CLI over a real sshd whose PATH starts
// with a fake docker that records its argv (see fakeRemote), and asserts
// the exact argv the remote shell ran.
func TestDocker(t *testing.T) {
	p := load(t, "docker")
	r := fakeRemote(t)
	target, secrets := sshTarget(t, r.SSHServer)
	on := func(action, container string) obj {
		return with(with(target, "action", action), "container", container)
	}
	pull := func(image string) obj { return with(with(target, "action", "pull"), "image", image) }

	argv := func(t *testing.T, cfg obj, want ...[]string) {
		t.Helper()
		r.Reset(t)
		p.Expect(t, cfg, secrets, abi.StatusOK, "exit 0")
		if got := r.Calls(t); !reflect.DeepEqual(got, want) {
			t.Errorf("remote ran %q; want %q", got, want)
		}
	}
	t.Run("container actions", func(t *testing.T) {
		for _, a := range []string{"start", "restart", "stop", "kill", "rm"} {
			argv(t, on(a, "web_1"), []string{"docker", a, "web_1"})
		}
		argv(t, on("restart", "3f4e8a9c2b1d"), []string{"docker", "restart", "3f4e8a9c2b1d"})
	})
	t.Run("pull", func(t *testing.T) {
		for _, img := range []string{"nginx", "nginx:1.27-alpine", "registry.example:5000/team/app:v1.2",
			"ghcr.io/org/app@sha256:" + hex64} {
			argv(t, pull(img), []string{"docker", "pull", img})
		}
	})
	t.Run("sudo -n", func(t *testing.T) {
		argv(t, with(on("restart", "web"), "sudo", true),
			[]string{"sudo", "-n", "docker", "restart", "web"},
			[]string{"docker", "restart", "web"})
	})
	t.Run("docker failing is failed with its stderr", func(t *testing.T) {
		p.Expect(t, on("restart", "missing"), secrets, abi.StatusFailed,
			"docker restart missing on 127.0.0.1: exit 5: docker: restart missing failed: not found")
	})

	t.Run("hostile names are refused naming the field, and never run", func(t *testing.T) {
		r.Reset(t)
		for _, c := range []string{"web;reboot", "web && rm -rf /", "$(reboot)", "`id`", "web|sh", "web\nid",
			"-v", "--rm", "web 2", "web'", "web>x", "/web", ""} {
			p.Invalid(t, on("restart", c), "container")
			p.Expect(t, on("restart", c), secrets, abi.StatusFailed, "container")
		}
		for _, img := range []string{"nginx;reboot", "nginx:latest && id", "$(id)", "NGINX", "-q", "nginx:-x",
			"nginx latest", "nginx@sha256:abc", "a//b", ""} {
			p.Invalid(t, pull(img), "image")
			p.Expect(t, pull(img), secrets, abi.StatusFailed, "image")
		}
		if calls := r.Calls(t); calls != nil {
			t.Errorf("remote ran %q", calls)
		}
	})
	t.Run("validation", func(t *testing.T) {
		p.Valid(t, on("kill", "web"))
		p.Valid(t, pull("nginx"))
		p.Invalid(t, with(target, "container", "web"), "action")
		p.Invalid(t, on("exec", "web"), "action")
		p.Invalid(t, with(target, "action", "stop"), "container")
		p.Invalid(t, with(pull("nginx"), "container", "web"), "container")
		p.Invalid(t, with(on("start", "web"), "image", "nginx"), "image")
		p.Invalid(t, with(on("start", "web"), "force", true), "force")
	})
}

const hex64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
