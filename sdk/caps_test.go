package sdk

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host/abi"
)

// TestCapabilityHelpers: each helper sends its capability's name and
// request and decodes the result or the host's error.
func TestCapabilityHelpers(t *testing.T) {
	var gotName string
	var gotReq map[string]any
	result := ""
	NativeHost = func(name string, req []byte) ([]byte, error) {
		gotName = name
		gotReq = nil
		_ = json.Unmarshal(req, &gotReq)
		if result == "" {
			return []byte(`{"error":{"code":"denied","message":"not the target"}}`), nil
		}
		return []byte(`{"result":` + result + `}`), nil
	}
	defer func() { NativeHost = nil }()

	tests := []struct {
		cap, result string
		run         func() (any, error)
		want        string // a field of the request that must be sent
	}{
		{abi.CapTCP, `{"remote_addr":"1.2.3.4:5","matched":true,"timing":{"total_ms":1}}`,
			func() (any, error) { return TCP(TCPRequest{Address: "h:5", Expect: "x"}) }, "address"},
		{abi.CapDNS, `{"rcode":"NOERROR","records":[{"name":"a.","type":"A","ttl":1,"value":"1.2.3.4"}],"resolver":"r:53","rtt_ms":1}`,
			func() (any, error) { return DNS(DNSRequest{Name: "a", Type: "A"}) }, "name"},
		{abi.CapTLS, `{"version":"TLS 1.3","verified":true,"server_name":"a","cipher_suite":"x","chain":[{"subject":"CN=a","issuer":"CN=ca","serial_number":"1","sha256":"00","not_before":"2026-01-01T00:00:00Z","not_after":"2026-02-01T00:00:00Z"}],"timing":{"connect_ms":1,"handshake_ms":1}}`,
			func() (any, error) { return TLSHandshake(TLSRequest{Address: "a:443"}) }, "address"},
		{abi.CapICMP, `{"addr":"1.2.3.4","sent":1,"received":1,"socket":"raw"}`,
			func() (any, error) { return Ping(PingRequest{Host: "a"}) }, "host"},
		{abi.CapSSH, `{"exit_status":0,"host_key_fingerprint":"SHA256:x","total_ms":1}`,
			func() (any, error) { return SSH(SSHRequest{Address: "a:22", User: "u", Command: "true"}) }, "command"},
		// The jump host goes out as the request's "jump" object.
		{abi.CapSSH, `{"exit_status":0,"host_key_fingerprint":"SHA256:x","jump_host_key_fingerprint":"SHA256:j","total_ms":1}`,
			func() (any, error) {
				return SSH(SSHRequest{Address: "a:22", User: "u", Command: "true",
					Jump: &SSHJump{Address: "bastion:22", User: "j", PrivateKey: []byte("k")}})
			}, "jump"},
		{abi.CapSMTP, `{"accepted":1,"total_ms":1}`,
			func() (any, error) {
				return nil, SendMail(Mail{Relay: "r:25", From: "a@x", To: []string{"b@x"}, Subject: "s", Body: "b"})
			}, "relay"},
	}
	for _, tt := range tests {
		t.Run(tt.cap, func(t *testing.T) {
			result = tt.result
			if _, err := tt.run(); err != nil || gotName != tt.cap || gotReq[tt.want] == nil {
				t.Fatalf("err %v, sent %s %v; want %s with %q", err, gotName, gotReq, tt.cap, tt.want)
			}
			result = ""
			_, err := tt.run()
			var he *HostError
			if !errors.As(err, &he) || he.Code != abi.ErrCodeDenied {
				t.Fatalf("got %v; want the host's denied error", err)
			}
		})
	}
}

func TestMailMessage(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	got := string(mailMessage(Mail{From: "rb@x", To: []string{"a@x", "b@x"}, Subject: "api ist ausgefallen ✗\r\nBcc: evil@x", Body: "line1\nline2"}, at))
	for _, want := range []string{"From: rb@x\r\n", "To: a@x, b@x\r\n", "Subject: =?utf-8?q?", "Date: Fri, 02 Jan 2026 03:04:05 +0000\r\n", "\r\n\r\nline1\r\nline2\r\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("message %q: want %q", got, want)
		}
	}
	if strings.Contains(got, "\r\nBcc:") {
		t.Errorf("header injection through the subject: %q", got)
	}
}
