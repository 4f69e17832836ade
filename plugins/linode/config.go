package main

import "github.com/runbookhq/runbook/plugins/internal/reactkit"

// Config is the reaction's config object; see schema in main.go.
type Config struct {
	APIURL      string  `json:"api_url"`
	TokenSecret string  `json:"token_secret,omitempty"`
	LinodeID    int64   `json:"linode_id"`
	Action      string  `json:"action"`
	ConfigID    int64   `json:"config_id,omitempty"`
	Timeout     float64 `json:"timeout,omitempty"`
}

// Validate runs before saving a reaction and before every run.
func (c Config) Validate() error {
	var errs []error
	errs = append(errs, reactkit.BaseURL("api_url", c.APIURL))
	if c.LinodeID < 1 {
		errs = append(errs, reactkit.Field("linode_id", "required (a positive number)"))
	}
	errs = append(errs, reactkit.OneOf("action", c.Action, "boot", "reboot", "shutdown"))
	if c.ConfigID != 0 && c.Action == "shutdown" {
		errs = append(errs, reactkit.Field("config_id", "applies to boot and reboot only"))
	}
	if c.Timeout < 0 {
		errs = append(errs, reactkit.Field("timeout", "must not be negative"))
	}
	return reactkit.Join(errs...)
}
