// Package checktest runs the first-party check plugins end to end: the
// real .wasm in the real host (host/hosttest), against real servers on
// 127.0.0.1 (host/captest: TLS with short-lived certificates, DNS, an
// OpenSSH sshd; httptest; ICMP to loopback).
package checktest
