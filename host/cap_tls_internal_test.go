package host

import (
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/captest"
)

func TestTLS(t *testing.T) {
	ca := captest.NewCA(t)
	good := ca.Issue(t, captest.Cert{CommonName: "svc.test", DNSNames: []string{"svc.test", "www.svc.test"},
		IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, NotAfter: time.Now().Add(48 * time.Hour)})
	expired := ca.Issue(t, captest.Cert{CommonName: "old.test", DNSNames: []string{"old.test"},
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-time.Hour)})
	addr := captest.TLS(t, good, map[string]tls.Certificate{"old.test": expired})
	m := abi.Manifest{Target: "host", TargetPort: "port", TargetDefaultPort: 443, Capabilities: []string{abi.CapTLS}}
	host, port, _ := net.SplitHostPort(addr)
	cfg := map[string]any{"host": host, "port": port}

	tests := []struct {
		name  string
		req   abi.TLSRequest
		code  string
		check func(t *testing.T, r abi.TLSResponse)
	}{
		{name: "chain and names, verified with the CA", req: abi.TLSRequest{Address: addr, ServerName: "svc.test", RootCAs: ca.PEM},
			check: func(t *testing.T, r abi.TLSResponse) {
				leaf := r.Chain[0]
				if !r.Verified || r.Version != "TLS 1.3" || len(r.Chain) != 2 || leaf.CommonName != "svc.test" ||
					strings.Join(leaf.DNSNames, ",") != "svc.test,www.svc.test" || leaf.IPAddresses[0] != "127.0.0.1" ||
					!r.Chain[1].IsCA || !strings.Contains(leaf.Issuer, "Runbook Test CA") || len(leaf.SHA256) != 64 {
					t.Errorf("got %+v", r)
				}
				if d := time.Until(leaf.NotAfter); d < 47*time.Hour || d > 49*time.Hour {
					t.Errorf("not_after %s: want in 48h", leaf.NotAfter)
				}
			}},
		{name: "IP address verified against IP SANs", req: abi.TLSRequest{Address: addr, RootCAs: ca.PEM},
			check: func(t *testing.T, r abi.TLSResponse) {
				if !r.Verified || r.ServerName != "127.0.0.1" {
					t.Errorf("got verified=%v %q name %s", r.Verified, r.VerifyError, r.ServerName)
				}
			}},
		{name: "system roots do not know the CA", req: abi.TLSRequest{Address: addr, ServerName: "svc.test"},
			check: func(t *testing.T, r abi.TLSResponse) {
				if r.Verified || !strings.Contains(r.VerifyError, "unknown authority") || len(r.Chain) != 2 {
					t.Errorf("got verified=%v %q", r.Verified, r.VerifyError)
				}
			}},
		{name: "wrong name", req: abi.TLSRequest{Address: addr, ServerName: "other.test", RootCAs: ca.PEM},
			check: func(t *testing.T, r abi.TLSResponse) {
				if r.Verified || !strings.Contains(r.VerifyError, "other.test") {
					t.Errorf("got verified=%v %q", r.Verified, r.VerifyError)
				}
			}},
		{name: "SNI picks the expired cert, still reported", req: abi.TLSRequest{Address: addr, ServerName: "old.test", RootCAs: ca.PEM},
			check: func(t *testing.T, r abi.TLSResponse) {
				if r.Verified || !strings.Contains(r.VerifyError, "expired") || r.Chain[0].CommonName != "old.test" {
					t.Errorf("got %+v", r)
				}
			}},
		{name: "bad root_cas", req: abi.TLSRequest{Address: addr, RootCAs: "nope"}, code: abi.ErrCodeBadRequest},
		{name: "another port denied", req: abi.TLSRequest{Address: host + ":443"}, code: abi.ErrCodeDenied},
		{name: "bare host means port 443, not the target port", req: abi.TLSRequest{Address: host}, code: abi.ErrCodeDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProbe(t, m, cfg)
			var res abi.TLSResponse
			wantCode(t, p.call(t, abi.CapTLS, tt.req, &res), tt.code)
			if tt.check != nil {
				tt.check(t, res)
			}
		})
	}
}

// TestTLSNotTLS: a plain TCP server is a failed handshake, not a hang.
func TestTLSNotTLS(t *testing.T) {
	addr := echoServer(t)
	p := newProbe(t, abi.Manifest{Target: "addr", Capabilities: []string{abi.CapTLS}}, map[string]any{"addr": addr})
	he := p.call(t, abi.CapTLS, abi.TLSRequest{Address: addr, TimeoutMS: 2000}, nil)
	wantCode(t, he, abi.ErrCodeFailed)
	if !strings.Contains(he.Message, "handshake") {
		t.Fatalf("message %q: want the handshake named", he.Message)
	}
}
