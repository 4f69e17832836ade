package checktest

import (
	"crypto/tls"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/captest"
)

// tlsServer serves a certificate for svc.test (and 127.0.0.1) expiring in
// validFor, and by SNI an expired one for old.test and a *.wild.test one.
func tlsServer(t *testing.T, validFor time.Duration) (string, int) {
	ca := captest.NewCA(t)
	leaf := ca.Issue(t, captest.Cert{CommonName: "svc.test", DNSNames: []string{"svc.test"},
		IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, NotAfter: time.Now().Add(validFor)})
	byName := map[string]tls.Certificate{
		"old.test":    ca.Issue(t, captest.Cert{CommonName: "old.test", DNSNames: []string{"old.test"}, NotBefore: time.Now().Add(-72 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)}),
		"a.wild.test": ca.Issue(t, captest.Cert{CommonName: "wild", DNSNames: []string{"*.wild.test"}}),
	}
	addr := captest.TLS(t, leaf, byName)
	h, p, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(p)
	return h, n
}

func TestTLSExpiry(t *testing.T) {
	p := load(t, "tls-expiry")
	host, longPort := tlsServer(t, 30*24*time.Hour)
	_, shortPort := tlsServer(t, 3*24*time.Hour)
	tests := []struct {
		name   string
		cfg    obj
		status string
		frag   string
	}{
		{"30 days left, default 7", obj{"host": host, "port": longPort}, abi.StatusHealthy, "in 30 days"},
		{"30 days left, limit 45", obj{"host": host, "port": longPort, "days": 45}, abi.StatusHealthy + "x", ""},
		{"3 days left, default 7", obj{"host": host, "port": shortPort}, abi.StatusFailed, "limit 7"},
		{"3 days left, limit 2", obj{"host": host, "port": shortPort, "days": 2}, abi.StatusHealthy, "svc.test"},
		{"expired (by SNI)", obj{"host": host, "port": longPort, "server_name": "old.test"}, abi.StatusFailed, "expired"},
		{"not TLS", obj{"host": host, "port": freePort(t), "timeout": 2}, abi.StatusFailed, "refused"},
		// The default port is 443, which is not where the test server is;
		// the target policy allows it (nothing listens there: refused).
		{"default port 443", obj{"host": host, "timeout": 2}, abi.StatusFailed, ":443"},
	}
	tests[1].status = abi.StatusFailed
	tests[1].frag = "limit 45"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := p.Expect(t, tt.cfg, nil, tt.status, tt.frag)
			if tt.status == abi.StatusHealthy && out.Metrics["days_left"] <= 0 {
				t.Errorf("metrics %v: want days_left", out.Metrics)
			}
		})
	}
	t.Run("validate", func(t *testing.T) {
		p.Invalid(t, obj{"host": host, "days": -1}, "days")
		p.Invalid(t, obj{"host": host, "port": -1}, "port")
		p.Valid(t, obj{"host": host})
	})
}

func TestTLSHostname(t *testing.T) {
	p := load(t, "tls-hostname")
	host, port := tlsServer(t, 30*24*time.Hour)
	tests := []struct {
		name   string
		cfg    obj
		status string
		frag   string
	}{
		{"SAN matches", obj{"host": host, "port": port, "expected": "svc.test"}, abi.StatusHealthy, "covers svc.test"},
		{"IP SAN matches the host", obj{"host": host, "port": port}, abi.StatusHealthy, "covers 127.0.0.1"},
		{"wildcard", obj{"host": host, "port": port, "expected": "a.wild.test"}, abi.StatusHealthy, "covers a.wild.test"},
		{"other name", obj{"host": host, "port": port, "expected": "other.test"}, abi.StatusFailed, "other.test is not among them"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { p.Expect(t, tt.cfg, nil, tt.status, tt.frag) })
	}
}
