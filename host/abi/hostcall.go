package abi

import "encoding/json"

// Envelope is the response to every host_call: exactly one of Result or
// Error is set.
type Envelope struct {
	Result json.RawMessage `json:"result,omitempty"`
	Error  *HostError      `json:"error,omitempty"`
}

// HostError is a capability failure reported to the plugin.
type HostError struct {
	// Code is one of the ErrCode constants.
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *HostError) Error() string { return e.Code + ": " + e.Message }

// Error codes in HostError.Code.
const (
	ErrCodeUnknownCapability = "unknown_capability"
	ErrCodeDenied            = "denied"      // not granted, or outside the monitor's target
	ErrCodeBadRequest        = "bad_request" // request JSON malformed or invalid
	ErrCodeFailed            = "failed"      // the operation ran and failed (network error, timeout)
	// ErrCodeUnsupported: the host cannot do this here (e.g. the OS forbids
	// ICMP). It says nothing about the target: checks report unknown.
	ErrCodeUnsupported = "unsupported"
)

// Capability names.
const (
	CapHTTP = "http"
	CapLog  = "log"
	CapNow  = "now"
)

// HTTPRequest is the request of the "http" capability.
type HTTPRequest struct {
	Method  string              `json:"method,omitempty"` // default GET
	URL     string              `json:"url"`
	Headers map[string][]string `json:"headers,omitempty"`
	// Host overrides the Host header (virtual hosting on an IP target).
	Host string `json:"host,omitempty"`
	Body []byte `json:"body,omitempty"`
	// TimeoutMS bounds this request; the call's own deadline always applies.
	TimeoutMS int `json:"timeout_ms,omitempty"`
	// MaxBodyBytes caps the response body kept (the host applies its own ceiling).
	MaxBodyBytes    int  `json:"max_body_bytes,omitempty"`
	FollowRedirects bool `json:"follow_redirects,omitempty"`
	// OmitHeaders leaves the response headers out of the result: a check
	// that reads only the status and timing need not have them encoded,
	// copied and decoded on every call.
	OmitHeaders bool `json:"omit_headers,omitempty"`
	TLS         *TLS `json:"tls,omitempty"`
	// Reply "binary" (ReplyBinary) asks for a successful result in the
	// binary layout of httpbin.go instead of a JSON envelope; "" or
	// "json" is the envelope. Errors are always an envelope.
	Reply string `json:"reply,omitempty"`
}

// TLS options of an HTTP request. Verification is on unless disabled.
type TLS struct {
	InsecureSkipVerify bool `json:"insecure_skip_verify,omitempty"`
	// ServerName is the SNI and verification name; default the URL host.
	ServerName string `json:"server_name,omitempty"`
}

// HTTPResponse is the result of the "http" capability.
type HTTPResponse struct {
	Status  int                 `json:"status"`
	Proto   string              `json:"proto,omitempty"`
	Headers map[string][]string `json:"headers,omitempty"`
	Body    []byte              `json:"body,omitempty"`
	// Size is the number of body bytes read (up to the cap + 1);
	// Truncated says the body was longer than the cap.
	Size      int64  `json:"size"`
	Truncated bool   `json:"truncated,omitempty"`
	Timing    Timing `json:"timing"`
}

// Timing of an HTTP request in milliseconds from its start.
type Timing struct {
	DNSMS       float64 `json:"dns_ms,omitempty"`
	ConnectMS   float64 `json:"connect_ms,omitempty"`
	TLSMS       float64 `json:"tls_ms,omitempty"`
	FirstByteMS float64 `json:"first_byte_ms,omitempty"`
	TotalMS     float64 `json:"total_ms"`
}

// LogRequest is the request of the "log" capability.
type LogRequest struct {
	Level   string         `json:"level,omitempty"` // debug|info|warn|error, default info
	Message string         `json:"message"`
	Fields  map[string]any `json:"fields,omitempty"`
}

// NowResponse is the result of the "now" capability.
type NowResponse struct {
	UnixNano int64 `json:"unix_nano"`
}
