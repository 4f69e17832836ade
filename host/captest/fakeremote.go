package captest

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// FakeRemote is a real sshd whose sessions find the programs of a bin
// directory first on PATH: fakes of systemctl, docker and the like, which
// cannot run here. A fake records its argv by appending one line to
// $FAKE_ARGV_LOG: the program, then each argument, each followed by \037
// (RecordArgv writes that line). A test then asserts exactly what a
// plugin made the remote shell run, with no root and nothing installed.
type FakeRemote struct {
	*SSHServer
	log string
}

// RecordArgv is the shell line a fake starts with to record its argv.
const RecordArgv = `printf '%s\037' "$(basename "$0")" "$@" >>"$FAKE_ARGV_LOG"; printf '\n' >>"$FAKE_ARGV_LOG"`

// SSHDWithFakes starts sshd for t with bin first on every session's PATH.
// sshd's ForceCommand runs a wrapper that sets PATH and FAKE_ARGV_LOG and
// then runs the client's command with sh -c, as sshd would have.
func SSHDWithFakes(t testing.TB, bin string) *FakeRemote {
	t.Helper()
	bin, err := filepath.Abs(bin)
	if err != nil {
		t.Fatalf("captest: %v", err)
	}
	dir := t.TempDir()
	r := &FakeRemote{log: filepath.Join(dir, "argv.log")}
	wrapper := filepath.Join(dir, "session")
	write(t, wrapper, []byte("#!/bin/sh\nPATH="+bin+":$PATH\nFAKE_ARGV_LOG="+r.log+
		"\nexport PATH FAKE_ARGV_LOG\nexec /bin/sh -c \"$SSH_ORIGINAL_COMMAND\"\n"), 0o755)
	r.SSHServer = sshd(t, "ForceCommand "+wrapper+"\n")
	return r
}

// Calls returns the argv of every fake run since the last Reset, in order.
func (r *FakeRemote) Calls(t testing.TB) [][]string {
	t.Helper()
	b, err := os.ReadFile(r.log)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatalf("captest: %v", err)
	}
	var out [][]string
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		out = append(out, strings.Split(strings.TrimSuffix(line, "\037"), "\037"))
	}
	return out
}

// Reset forgets the runs recorded so far.
func (r *FakeRemote) Reset(t testing.TB) {
	t.Helper()
	if err := os.Remove(r.log); err != nil && !os.IsNotExist(err) {
		t.Fatalf("captest: %v", err)
	}
}

// Target is the host and port a plugin config names to reach s.
func (s *SSHServer) Target(t testing.TB) (string, int) {
	t.Helper()
	h, ps, err := net.SplitHostPort(s.Addr)
	if err != nil {
		t.Fatalf("captest: sshd address %q: %v", s.Addr, err)
	}
	port, err := strconv.Atoi(ps)
	if err != nil {
		t.Fatalf("captest: sshd port %q: %v", ps, err)
	}
	return h, port
}
