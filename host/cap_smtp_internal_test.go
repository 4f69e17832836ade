package host

import (
	"crypto/tls"
	"net"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/captest"
)

func TestSMTP(t *testing.T) {
	ca := captest.NewCA(t)
	cert := ca.Issue(t, captest.Cert{CommonName: "127.0.0.1", IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	m := abi.Manifest{Kind: abi.KindReaction, Target: "relay", Capabilities: []string{abi.CapSMTP}}
	msg := []byte("Subject: down\r\n\r\napi is failed\r\n")
	tests := []struct {
		name     string
		tls      bool
		password string
		reject   string
		req      abi.SMTPRequest
		code     string
		check    func(t *testing.T, mails []captest.Mail)
	}{
		{name: "plain", req: abi.SMTPRequest{From: "rb@test", To: []string{"a@test", "b@test"}, Message: msg},
			check: func(t *testing.T, mails []captest.Mail) {
				if len(mails) != 1 || mails[0].From != "rb@test" || strings.Join(mails[0].To, ",") != "a@test,b@test" ||
					!strings.Contains(mails[0].Data, "api is failed") || mails[0].TLS {
					t.Errorf("got %+v", mails)
				}
			}},
		{name: "auth plain", password: "s3cret", req: abi.SMTPRequest{From: "rb@test", To: []string{"a@test"}, Message: msg, Username: "rb", Password: "s3cret"},
			check: func(t *testing.T, mails []captest.Mail) {
				if len(mails) != 1 || mails[0].Auth != "rb:s3cret" {
					t.Errorf("got %+v", mails)
				}
			}},
		{name: "wrong password", password: "s3cret", req: abi.SMTPRequest{From: "rb@test", To: []string{"a@test"}, Message: msg, Username: "rb", Password: "no"},
			code: abi.ErrCodeFailed},
		{name: "starttls (self-signed relay, verify off)", tls: true,
			req: abi.SMTPRequest{From: "rb@test", To: []string{"a@test"}, Message: msg, StartTLS: true, InsecureSkipVerify: true, Username: "rb", Password: "x"},
			check: func(t *testing.T, mails []captest.Mail) {
				if len(mails) != 1 || !mails[0].TLS || mails[0].Auth != "rb:x" {
					t.Errorf("got %+v", mails)
				}
			}},
		{name: "starttls verifies by default", tls: true,
			req: abi.SMTPRequest{From: "rb@test", To: []string{"a@test"}, Message: msg, StartTLS: true}, code: abi.ErrCodeFailed},
		{name: "starttls not offered", req: abi.SMTPRequest{From: "rb@test", To: []string{"a@test"}, Message: msg, StartTLS: true}, code: abi.ErrCodeFailed},
		{name: "recipient refused", reject: "b@test", req: abi.SMTPRequest{From: "rb@test", To: []string{"a@test", "b@test"}, Message: msg}, code: abi.ErrCodeFailed},
		{name: "no recipients", req: abi.SMTPRequest{From: "rb@test", Message: msg}, code: abi.ErrCodeBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var withTLS *tls.Certificate
			if tt.tls {
				withTLS = &cert
			}
			c := captest.SMTP(t, withTLS)
			c.Password, c.RejectRcpt = tt.password, tt.reject
			p := newProbe(t, m, map[string]any{"relay": c.Addr})
			tt.req.Relay = c.Addr
			tt.req.TimeoutMS = 5000
			he := p.call(t, abi.CapSMTP, tt.req, nil)
			wantCode(t, he, tt.code)
			if tt.check != nil {
				tt.check(t, c.Mails())
			}
			if tt.code != "" && len(c.Mails()) != 0 {
				t.Errorf("a failed send delivered %+v", c.Mails())
			}
		})
	}
}

func TestSMTPPolicy(t *testing.T) {
	relay := captest.SMTP(t, nil)
	other := captest.SMTP(t, nil)
	req := abi.SMTPRequest{From: "a@test", To: []string{"b@test"}, Message: []byte("x")}
	t.Run("another relay", func(t *testing.T) {
		p := newProbe(t, abi.Manifest{Kind: abi.KindReaction, Target: "relay", Capabilities: []string{abi.CapSMTP}}, map[string]any{"relay": relay.Addr})
		req.Relay = other.Addr
		wantCode(t, p.call(t, abi.CapSMTP, req, nil), abi.ErrCodeDenied)
	})
	t.Run("checks may not send mail", func(t *testing.T) {
		p := newProbe(t, abi.Manifest{Kind: abi.KindCheck, Target: "relay", Capabilities: []string{abi.CapSMTP}}, map[string]any{"relay": relay.Addr})
		req.Relay = relay.Addr
		he := p.call(t, abi.CapSMTP, req, nil)
		wantCode(t, he, abi.ErrCodeDenied)
		if !strings.Contains(he.Message, "reaction") {
			t.Fatalf("message %q", he.Message)
		}
	})
	if n := len(relay.Mails()) + len(other.Mails()); n != 0 {
		t.Fatalf("%d mails delivered by denied calls", n)
	}
}
