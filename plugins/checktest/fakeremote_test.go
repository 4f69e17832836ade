package checktest

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

// remote is a real sshd whose sessions find testdata/fakebin (systemctl
// and docker, which cannot run here) first on PATH. The fakes record
// their argv, so a test asserts exactly what the plugin made the remote
// shell run.
type remote struct {
	*captest.SSHServer
	log string
}

// fakeRemote starts sshd for t and forces every session through a
// wrapper that puts testdata/fakebin first on PATH and runs the client's
// command with sh -c, as sshd would have. captest.SSHD has no hook for
// this, so the wrapper goes in as a command= option on the client key's
// line of its authorized_keys, which sshd reads on every login.
func fakeRemote(t *testing.T) *remote {
	t.Helper()
	tempRoot := filepath.Dir(t.TempDir())
	srv := captest.SSHD(t)
	bin, err := filepath.Abs(filepath.Join("testdata", "fakebin"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	r := &remote{SSHServer: srv, log: filepath.Join(dir, "argv.log")}
	wrapper := filepath.Join(dir, "session")
	script := "#!/bin/sh\nPATH=" + bin + ":$PATH\nFAKE_ARGV_LOG=" + r.log + "\nexport PATH FAKE_ARGV_LOG\nexec /bin/sh -c \"$SSH_ORIGINAL_COMMAND\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	forceCommand(t, tempRoot, srv, wrapper)
	return r
}

// calls returns the argv of every fake run since the last reset.
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

// forceCommand finds the authorized_keys captest.SSHD wrote for srv under
// tempRoot (the file holding exactly srv's client key) and prefixes that
// key with command="wrapper".
func forceCommand(t *testing.T, tempRoot string, srv *captest.SSHServer, wrapper string) {
	t.Helper()
	signer, err := ssh.ParsePrivateKey([]byte(srv.ClientKey))
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey())))
	files, _ := filepath.Glob(filepath.Join(tempRoot, "*", "authorized_keys"))
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
