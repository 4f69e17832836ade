package sdk

import "github.com/runbookhq/runbook/host/abi"

// PingRequest and PingResponse are the shapes of the icmp capability.
type (
	PingRequest  = abi.PingRequest
	PingResponse = abi.PingResponse
)

// Ping sends ICMP echoes to req.Host (the monitor's target host). Lost
// echoes are a response (Received < Sent). When the host's OS forbids
// ICMP the error is a *HostError with Code "unsupported": report unknown,
// the target's health is not known.
//
//	resp, err := sdk.Ping(sdk.PingRequest{Host: cfg.Host, Count: 3})
func Ping(req PingRequest) (*PingResponse, error) {
	var resp PingResponse
	if err := call(abi.CapICMP, req, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}
