package sdk

import "github.com/runbookhq/runbook/host/abi"

// TCPRequest and TCPResponse are the shapes of the tcp capability.
type (
	TCPRequest  = abi.TCPRequest
	TCPResponse = abi.TCPResponse
)

// TCP connects to req.Address (host:port, which must be the monitor's
// target) and, when asked, sends req.Send and reads a reply until it
// contains req.Expect. A refused or timed-out connect is an error with
// code "failed"; an Expect not met is a response with Matched false.
//
//	resp, err := sdk.TCP(sdk.TCPRequest{Address: "db:5432", TimeoutMS: 2000})
func TCP(req TCPRequest) (*TCPResponse, error) {
	var resp TCPResponse
	if err := call(abi.CapTCP, req, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}
