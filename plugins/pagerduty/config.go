package main

import "github.com/runbookhq/runbook/plugins/internal/reactkit"

// Config is the reaction's config object; see schema in main.go.
type Config struct {
	APIURL           string  `json:"api_url"`
	RoutingKeySecret string  `json:"routing_key_secret,omitempty"`
	Severity         string  `json:"severity,omitempty"`
	Source           string  `json:"source,omitempty"`
	Component        string  `json:"component,omitempty"`
	Group            string  `json:"group,omitempty"`
	Class            string  `json:"class,omitempty"`
	Timeout          float64 `json:"timeout,omitempty"`
}

const defaultSecret = "pagerduty_routing_key"

// Validate runs before saving a reaction and before every run.
func (c Config) Validate() error {
	var errs []error
	errs = append(errs, reactkit.BaseURL("api_url", c.APIURL))
	if c.Severity != "" {
		errs = append(errs, reactkit.OneOf("severity", c.Severity, "critical", "error", "warning", "info"))
	}
	if c.Timeout < 0 {
		errs = append(errs, reactkit.Field("timeout", "must not be negative"))
	}
	return reactkit.Join(errs...)
}
