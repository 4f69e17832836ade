package abi

import "time"

// CapTLS is the "tls" capability: a TLS handshake that reports the
// certificate chain instead of judging it.
const CapTLS = "tls"

// TLSRequest is the request of the "tls" capability.
type TLSRequest struct {
	// Address is host:port; it must be the monitor's target.
	Address string `json:"address"`
	// ServerName is sent as SNI and verified against; default the host
	// part of Address (not sent as SNI when that is an IP address).
	ServerName string `json:"server_name,omitempty"`
	TimeoutMS  int    `json:"timeout_ms,omitempty"`
	// RootCAs (PEM) replaces the system roots for verification: for
	// services behind a private CA.
	RootCAs string `json:"root_cas,omitempty"`
}

// TLSResponse is the result of the "tls" capability. A handshake whose
// chain does not verify still succeeds: the chain is returned with
// Verified false and VerifyError saying why, so a check can report expiry
// of a self-signed or expired certificate. A failed handshake (no TLS,
// protocol error) is an error.
type TLSResponse struct {
	// Version is the negotiated version: "TLS 1.2", "TLS 1.3".
	Version     string `json:"version"`
	CipherSuite string `json:"cipher_suite"`
	// ALPN is the negotiated application protocol, if any.
	ALPN        string `json:"alpn,omitempty"`
	ServerName  string `json:"server_name"`
	Verified    bool   `json:"verified"`
	VerifyError string `json:"verify_error,omitempty"`
	// Chain is what the server sent, leaf first.
	Chain  []Certificate `json:"chain"`
	Timing struct {
		ConnectMS   float64 `json:"connect_ms"`
		HandshakeMS float64 `json:"handshake_ms"`
	} `json:"timing"`
}

// Certificate is the part of an X.509 certificate checks look at.
type Certificate struct {
	Subject      string    `json:"subject"`
	CommonName   string    `json:"common_name,omitempty"`
	Issuer       string    `json:"issuer"`
	SerialNumber string    `json:"serial_number"`
	NotBefore    time.Time `json:"not_before"`
	NotAfter     time.Time `json:"not_after"`
	DNSNames     []string  `json:"dns_names,omitempty"`
	IPAddresses  []string  `json:"ip_addresses,omitempty"`
	IsCA         bool      `json:"is_ca,omitempty"`
	// SHA256 is the hex digest of the DER certificate (for pinning).
	SHA256 string `json:"sha256"`
}
