// Package captest starts the real local servers the network capabilities
// and the plugins using them are tested against, each on a free loopback
// port and stopped when the test ends: a TLS server with a short-lived
// certificate made for the test (TLS), a DNS server serving fixed records
// (DNS), an SMTP relay that records what it receives (SMTP), and a real
// OpenSSH sshd with generated host and client keys (SSHD).
package captest
