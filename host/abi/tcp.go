package abi

// CapTCP is the "tcp" capability: connect to the target, optionally send
// bytes and read a reply.
const CapTCP = "tcp"

// TCPRequest is the request of the "tcp" capability.
type TCPRequest struct {
	// Address is host:port; it must be the monitor's target.
	Address string `json:"address"`
	// TimeoutMS bounds the whole probe; the call's deadline always applies.
	TimeoutMS int `json:"timeout_ms,omitempty"`
	// Send is written after connecting (may be empty: connect only).
	Send []byte `json:"send,omitempty"`
	// Expect, when set, makes the host read the reply until it contains
	// Expect (a substring, or a regular expression when ExpectRegex), the
	// peer closes, MaxReplyBytes are read or the timeout passes.
	Expect      string `json:"expect,omitempty"`
	ExpectRegex bool   `json:"expect_regex,omitempty"`
	// Read, without Expect, reads whatever arrives until the peer closes,
	// the cap is reached or the timeout passes (e.g. a banner).
	Read bool `json:"read,omitempty"`
	// MaxReplyBytes caps the reply kept (default and ceiling 64 KiB).
	MaxReplyBytes int `json:"max_reply_bytes,omitempty"`
}

// TCPResponse is the result of the "tcp" capability. A refused or timed
// out connect is an error (code "failed"), not a response.
type TCPResponse struct {
	// RemoteAddr is the address actually connected to (resolved IP:port).
	RemoteAddr string `json:"remote_addr"`
	Reply      []byte `json:"reply,omitempty"`
	// Matched reports whether Expect was found in Reply; false when no
	// Expect was given.
	Matched bool `json:"matched,omitempty"`
	// Truncated says the reply reached the cap.
	Truncated bool      `json:"truncated,omitempty"`
	Timing    TCPTiming `json:"timing"`
}

// TCPTiming of a probe in milliseconds from its start.
type TCPTiming struct {
	ConnectMS   float64 `json:"connect_ms"`
	FirstByteMS float64 `json:"first_byte_ms,omitempty"`
	TotalMS     float64 `json:"total_ms"`
}
