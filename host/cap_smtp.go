package host

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/smtp"
	"time"

	"github.com/runbookhq/runbook/host/abi"
)

func init() {
	RegisterCapability(Capability{Name: abi.CapSMTP, Handle: handleSMTP})
}

// handleSMTP sends one message through the reaction's relay. net/smtp is
// enough for a client that talks to one relay: EHLO, optional STARTTLS and
// AUTH PLAIN, one MAIL FROM, its RCPTs, DATA.
func handleSMTP(ctx context.Context, env Env, raw json.RawMessage) (any, error) {
	// Sending mail is an action on the world, not an observation: checks
	// run on a schedule and must not be able to.
	if env.Kind() != abi.KindReaction {
		return nil, denied("smtp: only reaction plugins may send mail; %s is a %s", env.Plugin(), env.Kind())
	}
	var r abi.SMTPRequest
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, badRequest("smtp: %v", err)
	}
	host, port, err := env.CheckHostPort("smtp", r.Relay, "25")
	if err != nil {
		return nil, err
	}
	if r.From == "" || len(r.To) == 0 || len(r.Message) == 0 {
		return nil, badRequest("smtp: from, to and message are required")
	}
	ctx, cancel := requestTimeout(ctx, r.TimeoutMS)
	defer cancel()

	start := time.Now()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, fmt.Errorf("smtp: connect %s: %w", r.Relay, netCause(ctx, err))
	}
	// net/smtp has no contexts: the deadline on the connection, and
	// closing it when the call is cancelled, bound every step.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("smtp: greeting from %s: %w", r.Relay, netCause(ctx, err))
	}
	defer c.Close()
	step := func(what string, err error) error {
		if err == nil {
			return nil
		}
		return fmt.Errorf("smtp: %s via %s: %w", what, r.Relay, netCause(ctx, err))
	}
	helo := r.HeloName
	if helo == "" {
		helo = "localhost"
	}
	if err := step("EHLO", c.Hello(helo)); err != nil {
		return nil, err
	}
	if r.StartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return nil, fmt.Errorf("smtp: relay %s does not offer STARTTLS", r.Relay)
		}
		conf := &tls.Config{ServerName: host, InsecureSkipVerify: r.InsecureSkipVerify}
		if err := step("STARTTLS", c.StartTLS(conf)); err != nil {
			return nil, err
		}
	}
	if r.Username != "" {
		if err := step("AUTH PLAIN", c.Auth(smtp.PlainAuth("", r.Username, r.Password, host))); err != nil {
			return nil, err
		}
	}
	if err := step("MAIL FROM", c.Mail(r.From)); err != nil {
		return nil, err
	}
	for _, to := range r.To {
		if err := step("RCPT TO "+to, c.Rcpt(to)); err != nil {
			return nil, err
		}
	}
	w, err := c.Data()
	if err := step("DATA", err); err != nil {
		return nil, err
	}
	if _, err := w.Write(r.Message); err != nil {
		return nil, step("write message", err)
	}
	if err := step("end of DATA", w.Close()); err != nil {
		return nil, err
	}
	_ = c.Quit() // the relay accepted the message; a failed QUIT changes nothing
	return abi.SMTPResponse{Accepted: len(r.To), TotalMS: ms(time.Since(start))}, nil
}
