package remediationtest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/runbookhq/runbook/host/captest"
)

// sshTarget is the connection part of a config for srv, and the secrets
// holding its client key.
func sshTarget(t *testing.T, srv *captest.SSHServer) (obj, map[string]string) {
	t.Helper()
	h, port := srv.Target(t)
	return obj{"host": h, "port": port, "user": srv.User}, map[string]string{"ssh_key": srv.ClientKey}
}

var fakes = []string{"systemctl", "service", "docker", "sudo"}

// fakeRemote is a real sshd whose sessions find fake programs (systemctl,
// service, docker, sudo) first on PATH. Each fake records its argv and
// exits 0, or 5 with an error on stderr when an argument contains
// "missing", the way systemctl and docker fail on an unknown unit or
// container. sudo drops -n and runs the rest, so the fake it runs is
// recorded too.
func fakeRemote(t *testing.T) *captest.FakeRemote {
	t.Helper()
	bin := t.TempDir()
	for _, name := range fakes {
		script := "#!/bin/sh\n" + captest.RecordArgv + "\n"
		if name == "sudo" {
			script += "[ \"$1\" = -n ] && shift\nexec \"$@\"\n"
		} else {
			script += `case "$*" in *missing*) echo "` + name + `: $* failed: not found" >&2; exit 5;; esac` + "\n"
		}
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return captest.SSHDWithFakes(t, bin)
}
