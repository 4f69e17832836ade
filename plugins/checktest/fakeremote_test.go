package checktest

import (
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

// fakeRemote is a real sshd whose sessions find testdata/fakebin
// (systemctl and docker, which cannot run here) first on PATH. The fakes
// record their argv, so a test asserts exactly what the plugin made the
// remote shell run.
func fakeRemote(t *testing.T) *captest.FakeRemote {
	t.Helper()
	return captest.SSHDWithFakes(t, "testdata/fakebin")
}
