package main

import (
	"regexp"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
)

// Config is the reaction's config object; see schema in main.go.
type Config struct {
	APIURL         string   `json:"api_url"`
	TokenSecret    string   `json:"token_secret,omitempty"`
	Username       string   `json:"username,omitempty"`
	PasswordSecret string   `json:"password_secret,omitempty"`
	EAuth          string   `json:"eauth,omitempty"`
	Client         string   `json:"client,omitempty"`
	Tgt            string   `json:"tgt"`
	TgtType        string   `json:"tgt_type,omitempty"`
	Fun            string   `json:"fun"`
	Arg            []string `json:"arg,omitempty"`
	TLSVerify      *bool    `json:"tls_verify,omitempty"`
	Timeout        float64  `json:"timeout,omitempty"`
}

// funRE is module.function, as Salt names execution functions.
var funRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$`)

// Validate runs before saving a reaction and before every run.
func (c Config) Validate() error {
	var errs []error
	errs = append(errs, reactkit.BaseURL("api_url", c.APIURL))
	if c.Client != "" {
		errs = append(errs, reactkit.OneOf("client", c.Client, "local", "local_async"))
	}
	errs = append(errs, reactkit.Required("tgt", c.Tgt))
	if c.TgtType != "" {
		errs = append(errs, reactkit.OneOf("tgt_type", c.TgtType, "glob", "pcre", "list", "grain", "grain_pcre", "pillar", "nodegroup", "range", "compound", "ipcidr"))
	}
	if !funRE.MatchString(c.Fun) {
		errs = append(errs, reactkit.Field("fun", "want module.function such as service.restart, got %q", c.Fun))
	}
	// No checks that token_secret and username exclude each other: forms
	// fill in schema defaults, so both secret names are usually present.
	// username decides: set, log in; empty, use the token.
	if c.Timeout < 0 {
		errs = append(errs, reactkit.Field("timeout", "must not be negative"))
	}
	return reactkit.Join(errs...)
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
