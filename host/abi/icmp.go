package abi

// CapICMP is the "icmp" capability: ICMP echo (ping).
const CapICMP = "icmp"

// PingRequest is the request of the "icmp" capability.
type PingRequest struct {
	// Host is an IPv4/IPv6 address or a name; it must be the monitor's
	// target. A name is resolved by the host.
	Host string `json:"host"`
	// Count echoes are sent, one per IntervalMS (default 1, at most 10).
	Count      int `json:"count,omitempty"`
	IntervalMS int `json:"interval_ms,omitempty"` // default 200, at least 10
	// TimeoutMS bounds the whole exchange (default 5 s); the call's
	// deadline always applies.
	TimeoutMS int `json:"timeout_ms,omitempty"`
}

// PingResponse is the result of the "icmp" capability. Lost echoes are a
// response (Received < Sent), not an error. When the OS allows neither
// unprivileged ping sockets nor raw sockets the call fails with code
// "unsupported" and a message saying what to change.
type PingResponse struct {
	// Addr is the address pinged (resolved from Host).
	Addr     string `json:"addr"`
	Sent     int    `json:"sent"`
	Received int    `json:"received"`
	// RTTsMS holds one round-trip time per received reply.
	RTTsMS []float64 `json:"rtts_ms,omitempty"`
	MinMS  float64   `json:"min_ms,omitempty"`
	AvgMS  float64   `json:"avg_ms,omitempty"`
	MaxMS  float64   `json:"max_ms,omitempty"`
	// Socket says how the host pinged: "udp" (unprivileged ping socket)
	// or "raw".
	Socket string `json:"socket"`
}
