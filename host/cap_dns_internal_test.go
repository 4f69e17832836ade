package host

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/captest"
)

func TestDNS(t *testing.T) {
	server := captest.DNS(t,
		"www.test. 60 IN A 192.0.2.1",
		"www.test. 60 IN A 192.0.2.2",
		"www.test. 60 IN AAAA 2001:db8::1",
		"alias.test. 60 IN CNAME www.test.",
		"test. 300 IN MX 10 mail.test.",
		"test. 300 IN TXT \"v=spf1\" \" -all\"",
		"test. 300 IN NS ns1.test.",
		"_sip._tcp.test. 60 IN SRV 10 5 5060 sip.test.",
	)
	m := abi.Manifest{Target: "name", Resolver: "resolver", Capabilities: []string{abi.CapDNS}}
	tests := []struct {
		name, qname, qtype string
		rcode              string
		want               []string
	}{
		{"A", "www.test", "A", "NOERROR", []string{"192.0.2.1", "192.0.2.2"}},
		{"AAAA", "www.test", "AAAA", "NOERROR", []string{"2001:db8::1"}},
		{"CNAME", "alias.test", "cname", "NOERROR", []string{"www.test."}},
		{"MX", "test", "MX", "NOERROR", []string{"10 mail.test."}},
		{"TXT", "test", "TXT", "NOERROR", []string{"v=spf1 -all"}},
		{"NS", "test.", "NS", "NOERROR", []string{"ns1.test."}},
		{"SRV", "_sip._tcp.test", "SRV", "NOERROR", []string{"10 5 5060 sip.test."}},
		{"no record of type", "www.test", "MX", "NOERROR", nil},
		{"NXDOMAIN", "nope.test", "A", "NXDOMAIN", nil},
	}
	for _, tt := range tests {
		for _, tcp := range []bool{false, true} {
			t.Run(tt.name+map[bool]string{false: "/udp", true: "/tcp"}[tcp], func(t *testing.T) {
				p := newProbe(t, m, map[string]any{"name": tt.qname, "resolver": server})
				var res abi.DNSResponse
				wantCode(t, p.call(t, abi.CapDNS, abi.DNSRequest{Name: tt.qname, Type: tt.qtype, Resolver: server, TCP: tcp}, &res), "")
				var got []string
				for _, r := range res.Records {
					got = append(got, r.Value)
				}
				if res.Rcode != tt.rcode || !slices.Equal(got, tt.want) || res.Resolver != server {
					t.Fatalf("got %+v; want %s %v from %s", res, tt.rcode, tt.want, server)
				}
			})
		}
	}
}

func TestDNSPolicy(t *testing.T) {
	server := captest.DNS(t, "www.test. 60 IN A 192.0.2.1")
	other := captest.DNS(t, "www.test. 60 IN A 192.0.2.9")
	m := abi.Manifest{Target: "name", Resolver: "resolver", Capabilities: []string{abi.CapDNS}}
	tests := []struct {
		name   string
		m      abi.Manifest
		config map[string]any
		req    abi.DNSRequest
		code   string
	}{
		{"configured resolver", m, map[string]any{"name": "www.test", "resolver": server}, abi.DNSRequest{Name: "www.test", Resolver: server}, ""},
		{"another name", m, map[string]any{"name": "www.test", "resolver": server}, abi.DNSRequest{Name: "secret.exfil.test", Resolver: server}, abi.ErrCodeDenied},
		{"another resolver", m, map[string]any{"name": "www.test", "resolver": server}, abi.DNSRequest{Name: "www.test", Resolver: other}, abi.ErrCodeDenied},
		{"resolver not configured", m, map[string]any{"name": "www.test"}, abi.DNSRequest{Name: "www.test", Resolver: server}, abi.ErrCodeDenied},
		{"manifest names no resolver field", abi.Manifest{Target: "name", Capabilities: []string{abi.CapDNS}},
			map[string]any{"name": "www.test", "resolver": server}, abi.DNSRequest{Name: "www.test", Resolver: server}, abi.ErrCodeDenied},
		{"unknown type", m, map[string]any{"name": "www.test", "resolver": server}, abi.DNSRequest{Name: "www.test", Type: "BOGUS", Resolver: server}, abi.ErrCodeBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProbe(t, tt.m, tt.config)
			wantCode(t, p.call(t, abi.CapDNS, tt.req, nil), tt.code)
		})
	}
}

// TestDNSHostResolvers: with no resolver the host's own are asked in
// order, and one that does not answer is skipped within the timeout.
func TestDNSHostResolvers(t *testing.T) {
	server := captest.DNS(t, "www.test. 60 IN A 192.0.2.1")
	dead, err := net.ListenPacket("udp", "127.0.0.1:0") // bound, never answers
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dead.Close() })
	old := hostResolvers
	hostResolvers = func() ([]string, error) { return []string{dead.LocalAddr().String(), server}, nil }
	t.Cleanup(func() { hostResolvers = old })

	p := newProbe(t, abi.Manifest{Target: "name", Capabilities: []string{abi.CapDNS}}, map[string]any{"name": "www.test"})
	var res abi.DNSResponse
	wantCode(t, p.call(t, abi.CapDNS, abi.DNSRequest{Name: "www.test", TimeoutMS: 1000}, &res), "")
	if res.Resolver != server || len(res.Records) != 1 {
		t.Fatalf("got %+v; want the answer of %s", res, server)
	}
}

func TestReadResolvConf(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "resolv.conf")
	if err := os.WriteFile(conf, []byte("search example\nnameserver 127.0.0.53\nnameserver ::1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := readResolvConf(conf)
	if want := []string{"127.0.0.53:53", "[::1]:53"}; err != nil || !slices.Equal(got, want) {
		t.Fatalf("got %v, %v; want %v", got, err, want)
	}
	if _, err := readResolvConf(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("missing file accepted")
	}
}
