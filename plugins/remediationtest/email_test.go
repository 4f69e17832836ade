package remediationtest

import (
	"io"
	"mime"
	"net"
	"net/mail"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/captest"
)

// TestEmail sends through captest's SMTP relay on loopback and reads back
// what it accepted: envelope, headers and body.
func TestEmail(t *testing.T) {
	p := load(t, "email")
	relay := captest.SMTP(t, nil)
	base := relayConfig(t, relay.Addr)

	t.Run("default subject and body", func(t *testing.T) {
		n := len(relay.Mails())
		p.Expect(t, base, nil, abi.StatusOK, "mailed 2 recipient(s)", "[Runbook] api is FAILED")
		m, hdr, body := lastMail(t, relay, n)
		if m.From != "runbook@example.com" || !reflect.DeepEqual(m.To, []string{"ops@example.com", "dev@example.com"}) {
			t.Errorf("envelope %s → %v", m.From, m.To)
		}
		want := map[string]string{
			"From":         "runbook@example.com",
			"To":           "ops@example.com, dev@example.com",
			"Subject":      "[Runbook] api is FAILED",
			"Content-Type": "text/plain; charset=utf-8",
		}
		for k, v := range want {
			if got := decoded(t, hdr.Get(k)); got != v {
				t.Errorf("%s: %q, want %q", k, got, v)
			}
		}
		for _, f := range []string{"api is failed (was healthy): status 503", "Monitor: api (m7)",
			"Message: status 503", "Zone:    eu-1", "At:      2026-01-02T03:04:05Z", `reaction "fix api"`} {
			if !strings.Contains(body, f) {
				t.Errorf("body %q: want %q", body, f)
			}
		}
	})

	t.Run("templates over the trigger", func(t *testing.T) {
		n := len(relay.Mails())
		cfg := with(with(base, "subject", "{{.Zone}}: {{.Monitor}} {{lower .Status}}"),
			"body", "{{.Message}} since {{rfc3339 .ScheduledAt}} ({{.ReactionName}})")
		p.Expect(t, cfg, nil, abi.StatusOK)
		_, hdr, body := lastMail(t, relay, n)
		if got := decoded(t, hdr.Get("Subject")); got != "eu-1: api failed" {
			t.Errorf("subject %q", got)
		}
		if body != "status 503 since 2026-01-02T03:04:05Z (fix api)\r\n" {
			t.Errorf("body %q", body)
		}
	})

	t.Run("header injection through the trigger is impossible", func(t *testing.T) {
		n := len(relay.Mails())
		cc := failedCtx
		cc.MonitorName = "api\r\nBcc: victim@evil.example"
		cc.Message = "boom\r\nX-Injected: 1\r\n\r\nforged body\n.\nMAIL FROM:<evil@evil.example>"
		cfg := with(base, "subject", "{{.Monitor}}: {{.Message}}")
		out, _ := p.Call(t, cfg, nil, cc)
		if out.Status != abi.StatusOK {
			t.Fatalf("%+v", out)
		}
		if got := len(relay.Mails()); got != n+1 {
			t.Fatalf("relay accepted %d mails, want 1", got-n)
		}
		m, hdr, body := lastMail(t, relay, n)
		if !reflect.DeepEqual(m.To, []string{"ops@example.com", "dev@example.com"}) {
			t.Errorf("recipients %v", m.To)
		}
		for _, k := range []string{"Bcc", "X-Injected"} {
			if v, ok := hdr[k]; ok {
				t.Errorf("injected header %s: %v", k, v)
			}
		}
		if got := decoded(t, hdr.Get("Subject")); got != "api Bcc: victim@evil.example: boom X-Injected: 1 forged body . MAIL FROM:<evil@evil.example>" {
			t.Errorf("subject %q", got)
		}
		// The SMTP end-of-data line inside the body was dot-stuffed: it
		// arrived as text in this one mail.
		if !strings.Contains(body, "\r\n.\r\nMAIL FROM:<evil@evil.example>") {
			t.Errorf("body %q", body)
		}
	})

	t.Run("AUTH PLAIN with the password from secrets", func(t *testing.T) {
		relay := captest.SMTP(t, nil)
		relay.Password = "s3cret"
		cfg := with(relayConfig(t, relay.Addr), "username", "runbook")
		p.Expect(t, cfg, map[string]string{"smtp_password": "s3cret"}, abi.StatusOK)
		if m, _, _ := lastMail(t, relay, 0); m.Auth != "runbook:s3cret" {
			t.Errorf("auth %q", m.Auth)
		}
		p.Expect(t, with(cfg, "password_secret", "mail"), map[string]string{"mail": "s3cret"}, abi.StatusOK)
		out := p.Expect(t, cfg, map[string]string{"smtp_password": "wrong"}, abi.StatusFailed, "535")
		if strings.Contains(out.Message, "wrong") {
			t.Errorf("message %q quotes the password", out.Message)
		}
		p.Expect(t, cfg, nil, abi.StatusFailed, "password_secret", `"smtp_password"`)
		if got := len(relay.Mails()); got != 2 {
			t.Errorf("relay accepted %d mails, want 2", got)
		}
	})

	t.Run("STARTTLS", func(t *testing.T) {
		ca := captest.NewCA(t)
		cert := ca.Issue(t, captest.Cert{CommonName: "127.0.0.1", IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
		relay := captest.SMTP(t, &cert)
		cfg := with(relayConfig(t, relay.Addr), "starttls", true)
		// The test CA is in no system pool: verification must refuse it.
		p.Expect(t, cfg, nil, abi.StatusFailed, "STARTTLS", "certificate")
		p.Expect(t, with(cfg, "tls_verify", false), nil, abi.StatusOK)
		if m, _, _ := lastMail(t, relay, 0); !m.TLS {
			t.Error("mail was not sent over TLS")
		}
		// A relay that does not offer STARTTLS is refused, not used in clear.
		p.Expect(t, with(with(base, "starttls", true), "tls_verify", false), nil, abi.StatusFailed, "does not offer STARTTLS")
	})

	t.Run("a rejected recipient fails the whole mail", func(t *testing.T) {
		relay := captest.SMTP(t, nil)
		relay.RejectRcpt = "dev@example.com"
		p.Expect(t, relayConfig(t, relay.Addr), nil, abi.StatusFailed, "RCPT TO dev@example.com", "550")
		if got := len(relay.Mails()); got != 0 {
			t.Errorf("relay accepted %d mails", got)
		}
	})

	t.Run("port defaults to 25", func(t *testing.T) {
		// A TEST-NET address (RFC 5737) so no local MTA ever gets this mail.
		cfg := with(with(with(base, "host", "192.0.2.1"), "port", nil), "timeout", 0.3)
		p.Expect(t, cfg, nil, abi.StatusFailed, "192.0.2.1:25")
	})

	t.Run("validation", func(t *testing.T) {
		p.Valid(t, base)
		p.Invalid(t, with(base, "from", nil), "from")
		p.Invalid(t, with(base, "from", "runbook@example.com\r\nBcc: victim@evil.example"), "from")
		p.Invalid(t, with(base, "from", "Runbook <runbook@example.com>"), "from")
		p.Invalid(t, with(base, "to", []string{}), "to")
		p.Invalid(t, with(base, "to", []string{"ops@example.com", "not an address"}), "to.1")
		p.Invalid(t, with(base, "to", []string{"ops@example.com\nBcc: x@evil.example"}), "to.0")
		p.Invalid(t, with(base, "subject", "{{.Monitr}}"), "subject")
		p.Invalid(t, with(base, "body", "{{if}}"), "body")
		p.Invalid(t, with(base, "body", "{{upper}}"), "body")
		p.Invalid(t, with(base, "host", "smtp://mail"), "host")
		p.Invalid(t, with(base, "password", "inline"), "password")
	})
}

func relayConfig(t *testing.T, addr string) obj {
	t.Helper()
	h, ps, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(ps)
	return obj{"host": h, "port": port, "from": "runbook@example.com", "to": []string{"ops@example.com", "dev@example.com"}}
}

// lastMail returns the relay's mail after the first n, parsed.
func lastMail(t *testing.T, relay *captest.SMTPRelay, n int) (captest.Mail, mail.Header, string) {
	t.Helper()
	mails := relay.Mails()
	if len(mails) <= n {
		t.Fatalf("relay has %d mails, want more than %d", len(mails), n)
	}
	m := mails[len(mails)-1]
	msg, err := mail.ReadMessage(strings.NewReader(m.Data))
	if err != nil {
		t.Fatalf("message %q: %v", m.Data, err)
	}
	body, _ := io.ReadAll(msg.Body)
	return m, msg.Header, string(body)
}

// decoded undoes RFC 2047 encoding of a header value.
func decoded(t *testing.T, v string) string {
	t.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(v)
	if err != nil {
		t.Fatalf("header %q: %v", v, err)
	}
	return s
}
