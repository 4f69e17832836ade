package abi

// CapSMTP is the "smtp" capability: send one message through a relay.
// Only reaction plugins may use it.
const CapSMTP = "smtp"

// SMTPRequest is the request of the "smtp" capability.
type SMTPRequest struct {
	// Relay is host:port of the SMTP server; it must be the reaction's
	// target.
	Relay string `json:"relay"`
	// StartTLS upgrades the session with STARTTLS before AUTH and MAIL;
	// the relay must offer it. The certificate is verified against the
	// relay's host name unless InsecureSkipVerify.
	StartTLS           bool `json:"starttls,omitempty"`
	InsecureSkipVerify bool `json:"insecure_skip_verify,omitempty"`
	// Username and Password enable AUTH PLAIN (only over TLS or to a
	// loopback relay, as net/smtp insists).
	Username string   `json:"username,omitempty"`
	Password string   `json:"password,omitempty"`
	From     string   `json:"from"`
	To       []string `json:"to"`
	// Message is the full RFC 5322 message (headers, blank line, body).
	// The SDK's SendMail builds it from a subject and body.
	Message   []byte `json:"message"`
	TimeoutMS int    `json:"timeout_ms,omitempty"`
	// HeloName is the name sent in EHLO; default "localhost".
	HeloName string `json:"helo_name,omitempty"`
}

// SMTPResponse is the result of the "smtp" capability.
type SMTPResponse struct {
	// Accepted is the number of recipients the relay accepted (all of
	// them, or the call fails).
	Accepted int     `json:"accepted"`
	TotalMS  float64 `json:"total_ms"`
}
