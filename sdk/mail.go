package sdk

import (
	"fmt"
	"mime"
	"strings"
	"time"

	"github.com/runbookhq/runbook/host/abi"
)

// SMTPRequest and SMTPResponse are the shapes of the smtp capability.
type (
	SMTPRequest  = abi.SMTPRequest
	SMTPResponse = abi.SMTPResponse
)

// Mail is a plain-text message for SendMail.
type Mail struct {
	// Relay is host:port of the SMTP server; it must be the reaction's target.
	Relay    string
	StartTLS bool
	// InsecureSkipVerify accepts any relay certificate after STARTTLS.
	InsecureSkipVerify bool
	// Username and Password enable AUTH PLAIN (usually from Context.Secrets).
	Username, Password string
	From               string
	To                 []string
	Subject, Body      string
	TimeoutMS          int
}

// SendMail sends m through its relay (reaction plugins only: checks are
// denied). It builds the RFC 5322 message: From, To, Subject (encoded when
// not ASCII), Date, a text/plain UTF-8 body with CRLF line ends.
//
//	err := sdk.SendMail(sdk.Mail{Relay: cfg.Relay, From: cfg.From, To: cfg.To,
//		Subject: "api is failed", Body: ctx.Message, Password: ctx.Secrets["smtp_password"]})
func SendMail(m Mail) error {
	return call(abi.CapSMTP, SMTPRequest{
		Relay: m.Relay, StartTLS: m.StartTLS, InsecureSkipVerify: m.InsecureSkipVerify,
		Username: m.Username, Password: m.Password, From: m.From, To: m.To,
		Message: mailMessage(m, time.Now()), TimeoutMS: m.TimeoutMS,
	}, nil)
}

func mailMessage(m Mail, now time.Time) []byte {
	var b strings.Builder
	header := func(k, v string) {
		fmt.Fprintf(&b, "%s: %s\r\n", k, strings.NewReplacer("\r", "", "\n", "").Replace(v))
	}
	header("From", m.From)
	header("To", strings.Join(m.To, ", "))
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", now.Format(time.RFC1123Z))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	b.WriteString("\r\n")
	body := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n")
	b.WriteString(body)
	if !strings.HasSuffix(body, "\r\n") {
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}
