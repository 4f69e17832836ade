package sdk

import "github.com/runbookhq/runbook/host/abi"

// DNSRequest, DNSResponse and DNSRecord are the shapes of the dns capability.
type (
	DNSRequest  = abi.DNSRequest
	DNSResponse = abi.DNSResponse
	DNSRecord   = abi.DNSRecord
)

// DNS looks up one record type of req.Name (which must be the monitor's
// target). req.Resolver, when set, must be the value of the config field
// the manifest's Resolver names; empty asks the host's resolvers. A name
// that does not exist is a response with Rcode "NXDOMAIN", not an error.
//
//	resp, err := sdk.DNS(sdk.DNSRequest{Name: cfg.Name, Type: "MX", Resolver: cfg.Resolver})
func DNS(req DNSRequest) (*DNSResponse, error) {
	var resp DNSResponse
	if err := call(abi.CapDNS, req, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}
