package main

import (
	"errors"
	"fmt"
	"net/mail"

	"github.com/runbookhq/runbook/plugins/internal/checkkit"
	"github.com/runbookhq/runbook/plugins/internal/reactkit"
)

// Config is the reaction's config object; see schema in main.go. The
// password is never in the config, only the name of its secret.
type Config struct {
	Host           string   `json:"host"`
	Port           int      `json:"port,omitempty"`
	StartTLS       bool     `json:"starttls,omitempty"`
	TLSVerify      *bool    `json:"tls_verify,omitempty"`
	Username       string   `json:"username,omitempty"`
	PasswordSecret string   `json:"password_secret,omitempty"`
	From           string   `json:"from"`
	To             []string `json:"to"`
	Subject        string   `json:"subject,omitempty"`
	Body           string   `json:"body,omitempty"`
	Timeout        float64  `json:"timeout,omitempty"`
}

// Validate runs before saving a reaction and before every run. It parses
// and test-renders both templates, so a typo is refused when the user
// saves, not when the monitor fails at 3 a.m.
func (c Config) Validate() error {
	errs := []error{
		checkkit.CheckHost(c.Host),
		checkkit.CheckPort(c.Port),
		checkkit.CheckTimeout(c.Timeout),
		address("from", c.From),
	}
	if len(c.To) == 0 {
		errs = append(errs, reactkit.Field("to", "required: at least one recipient"))
	}
	for i, to := range c.To {
		errs = append(errs, address(fmt.Sprintf("to.%d", i), to))
	}
	for _, t := range []struct{ field, text string }{{"subject", c.subject()}, {"body", c.body()}} {
		if _, err := render(t.field, t.text, sample); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// address accepts a bare address (ops@example.com): it is both a header
// value and the SMTP envelope's, where display names and comments are
// not allowed, and it can hold no CR or LF to start a header of its own.
func address(field, s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return reactkit.Field(field, "%q: want a bare address like ops@example.com", s)
	}
	return nil
}

func (c Config) relay() string { return checkkit.Addr(c.Host, c.Port, 25) }

func (c Config) passwordSecret() string {
	return reactkit.SecretName(c.PasswordSecret, "smtp_password")
}

func (c Config) subject() string {
	if c.Subject == "" {
		return defaultSubject
	}
	return c.Subject
}

func (c Config) body() string {
	if c.Body == "" {
		return defaultBody
	}
	return c.Body
}
