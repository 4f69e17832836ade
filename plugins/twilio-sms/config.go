package main

import (
	"fmt"
	"regexp"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
)

// Config is the reaction's config object; see schema in main.go.
type Config struct {
	APIURL          string   `json:"api_url"`
	AccountSID      string   `json:"account_sid"`
	AuthTokenSecret string   `json:"auth_token_secret,omitempty"`
	From            string   `json:"from"`
	To              []string `json:"to"`
	Prefix          string   `json:"prefix,omitempty"`
	Timeout         float64  `json:"timeout,omitempty"`
}

const defaultSecret = "twilio_auth_token"

var (
	sidRE      = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
	e164RE     = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)
	senderIDRE = regexp.MustCompile(`^[A-Za-z0-9 ]{1,11}$`) // Twilio's alphanumeric sender ID
)

// Validate runs before saving a reaction and before every run.
func (c Config) Validate() error {
	var errs []error
	errs = append(errs, reactkit.BaseURL("api_url", c.APIURL))
	if !sidRE.MatchString(c.AccountSID) {
		errs = append(errs, reactkit.Field("account_sid", "want AC followed by 32 hex digits"))
	}
	if !e164RE.MatchString(c.From) && !senderIDRE.MatchString(c.From) {
		errs = append(errs, reactkit.Field("from", "want an E.164 number (+15551234567) or an alphanumeric sender ID, got %q", c.From))
	}
	if len(c.To) == 0 {
		errs = append(errs, reactkit.Field("to", "required"))
	}
	for i, n := range c.To {
		if !e164RE.MatchString(n) {
			errs = append(errs, reactkit.Field(fmt.Sprintf("to.%d", i), "want an E.164 number (+15551234567), got %q", n))
		}
	}
	if c.Timeout < 0 {
		errs = append(errs, reactkit.Field("timeout", "must not be negative"))
	}
	return reactkit.Join(errs...)
}
