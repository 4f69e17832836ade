// Package checktest runs the first-party check plugins end to end: the
// real .wasm in the real host (host/hosttest), against real servers on
// 127.0.0.1 (host/captest: TLS with short-lived certificates, DNS, an
// OpenSSH sshd — two of them for a jump host; httptest; ICMP to
// loopback). The SSH threshold checks read this machine's own /proc and
// df; systemd and Docker cannot run here, so testdata/fakebin holds fake
// systemctl and docker that the sshd session finds first on PATH and that
// record the argv they were given.
package checktest
