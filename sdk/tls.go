package sdk

import "github.com/runbookhq/runbook/host/abi"

// TLSRequest, TLSResponse and Certificate are the shapes of the tls capability.
type (
	TLSRequest  = abi.TLSRequest
	TLSResponse = abi.TLSResponse
	Certificate = abi.Certificate
)

// TLSHandshake connects to req.Address (host:port of the monitor's
// target), handshakes with SNI req.ServerName (default the host) and
// returns the chain the server sent, leaf first, with the verification
// result. A chain that does not verify is still returned (Verified false,
// VerifyError why), so expiry can be judged on any certificate.
//
//	resp, err := sdk.TLSHandshake(sdk.TLSRequest{Address: "example.com:443"})
//	left := resp.Chain[0].NotAfter.Sub(now)
func TLSHandshake(req TLSRequest) (*TLSResponse, error) {
	var resp TLSResponse
	if err := call(abi.CapTLS, req, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}
