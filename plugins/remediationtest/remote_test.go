package remediationtest

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host/captest"
	"golang.org/x/crypto/ssh"
)

// sshTarget is the connection part of a config for srv, and the secrets
// holding its client key.
func sshTarget(t *testing.T, srv *captest.SSHServer) (obj, map[string]string) {
	t.Helper()
	h, ps, err := net.SplitHostPort(srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(ps)
	return obj{"host": h, "port": port, "user": srv.User}, map[string]string{"ssh_key": srv.ClientKey}
}

// remote is a real sshd whose sessions find fake programs (systemctl,
// service, docker, sudo) first on PATH. Each fake records its argv and
// exits 0, or 5 with an error on stderr when an argument contains
// "missing", the way systemctl and docker fail on an unknown unit or
// container. So a test asserts the exact argv a plugin made the remote
// shell run, with no root and nothing installed.
type remote struct {
	*captest.SSHServer
	log string
}

var fakes = []string{"systemctl", "service", "docker", "sudo"}

// fakeRemote starts sshd for t and forces every session through a
// wrapper that puts the fakes first on PATH and then runs the client's
// command with sh -c, as sshd would have. captest.SSHD has no hook for
// this, so the wrapper goes in as a command= option on the client key's
// line of its authorized_keys, which sshd reads on every connection.
func fakeRemote(t *testing.T) *remote {
	t.Helper()
	srv := captest.SSHD(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	r := &remote{SSHServer: srv, log: filepath.Join(dir, "argv.log")}
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range fakes {
		script := "#!/bin/sh\n" +
			// One line per run: the program, then each argument, \037-separated.
			`printf '%s\037' "` + name + `" "$@" >>` + r.log + "\n" +
			`printf '\n' >>` + r.log + "\n"
		if name == "sudo" {
			script += "[ \"$1\" = -n ] && shift\nexec \"$@\"\n"
		} else {
			script += `case "$*" in *missing*) echo "` + name + `: $* failed: not found" >&2; exit 5;; esac` + "\n"
		}
		writeExec(t, filepath.Join(bin, name), script)
	}
	wrapper := filepath.Join(dir, "session")
	writeExec(t, wrapper, "#!/bin/sh\nPATH="+bin+":$PATH\nexport PATH\nexec /bin/sh -c \"$SSH_ORIGINAL_COMMAND\"\n")
	forceCommand(t, srv, wrapper)
	return r
}

// calls returns the argv of every fake run so far, in order.
func (r *remote) calls(t *testing.T) [][]string {
	t.Helper()
	b, err := os.ReadFile(r.log)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		out = append(out, strings.Split(strings.TrimSuffix(line, "\037"), "\037"))
	}
	return out
}

func (r *remote) reset(t *testing.T) {
	t.Helper()
	if err := os.Remove(r.log); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
}

// forceCommand finds the authorized_keys captest.SSHD wrote for srv (in
// one of t's temp dirs, identified by holding exactly srv's client key)
// and prefixes that key with command="wrapper".
func forceCommand(t *testing.T, srv *captest.SSHServer, wrapper string) {
	t.Helper()
	signer, err := ssh.ParsePrivateKey([]byte(srv.ClientKey))
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey())))
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(t.TempDir()), "*", "authorized_keys"))
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil && strings.TrimSpace(string(b)) == line {
			if err := os.WriteFile(f, []byte(`command="`+wrapper+`" `+line+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("authorized_keys of the sshd at %s not found among %v", srv.Addr, files)
}

func writeExec(t *testing.T, path, script string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}
