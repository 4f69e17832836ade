package abi

// CapDNS is the "dns" capability: one lookup of one record type.
const CapDNS = "dns"

// DNSRequest is the request of the "dns" capability.
type DNSRequest struct {
	// Name is the name to look up; it must be the monitor's target.
	Name string `json:"name"`
	// Type is a record type: A, AAAA, CNAME, MX, TXT, NS, SRV, SOA, PTR,
	// CAA (any type name miekg/dns knows). Default A.
	Type string `json:"type,omitempty"`
	// Resolver is the server to ask (host:port, port default 53). It must
	// be the value of the config field the manifest's "resolver" names.
	// Empty means the host's own resolvers (/etc/resolv.conf).
	Resolver  string `json:"resolver,omitempty"`
	TimeoutMS int    `json:"timeout_ms,omitempty"`
	// TCP asks over TCP instead of UDP (UDP answers that come back
	// truncated are retried over TCP anyway).
	TCP bool `json:"tcp,omitempty"`
}

// DNSResponse is the result of the "dns" capability. NXDOMAIN and other
// non-success rcodes are a response (Rcode says which), not an error: "the
// name does not exist" is an answer a check can judge.
type DNSResponse struct {
	// Rcode is the response code name: NOERROR, NXDOMAIN, SERVFAIL, ...
	Rcode string `json:"rcode"`
	// Records are the answer records of the asked type, in order.
	Records []DNSRecord `json:"records,omitempty"`
	// Resolver is the server that answered (host:port).
	Resolver      string  `json:"resolver"`
	Authoritative bool    `json:"authoritative,omitempty"`
	RTTMS         float64 `json:"rtt_ms"`
}

// DNSRecord is one answer record. Value is the record's data in a form a
// user writes in a config: an address for A/AAAA, the target name for
// CNAME/NS/PTR (with its trailing dot), "PREF HOST" for MX, the joined
// strings for TXT, "PRIO WEIGHT PORT TARGET" for SRV.
type DNSRecord struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	TTL   uint32 `json:"ttl"`
	Value string `json:"value"`
}
