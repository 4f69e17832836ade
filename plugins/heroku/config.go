package main

import (
	"regexp"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
)

// Config is the reaction's config object; see schema in main.go.
type Config struct {
	APIURL      string  `json:"api_url"`
	TokenSecret string  `json:"token_secret,omitempty"`
	App         string  `json:"app"`
	Action      string  `json:"action"`
	Dyno        string  `json:"dyno,omitempty"`
	ProcessType string  `json:"process_type,omitempty"`
	Quantity    *int    `json:"quantity,omitempty"`
	Size        string  `json:"size,omitempty"`
	Timeout     float64 `json:"timeout,omitempty"`
}

var (
	// Heroku app names; an app id (UUID) matches too.
	appRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,99}$`)
	typeRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	dynoRE = regexp.MustCompile(`^[A-Za-z0-9_-]+(\.[0-9]+)?$`)
)

// Validate runs before saving a reaction and before every run.
func (c Config) Validate() error {
	var errs []error
	errs = append(errs, reactkit.BaseURL("api_url", c.APIURL))
	if !appRE.MatchString(c.App) {
		errs = append(errs, reactkit.Field("app", "want an app name or id, got %q", c.App))
	}
	errs = append(errs, reactkit.OneOf("action", c.Action, "restart", "scale"))
	if c.Dyno != "" && !dynoRE.MatchString(c.Dyno) {
		errs = append(errs, reactkit.Field("dyno", "want a dyno name such as web.1, got %q", c.Dyno))
	}
	if c.ProcessType != "" && !typeRE.MatchString(c.ProcessType) {
		errs = append(errs, reactkit.Field("process_type", "want a process type such as web, got %q", c.ProcessType))
	}
	switch c.Action {
	case "restart":
		if c.ProcessType != "" {
			errs = append(errs, reactkit.Field("process_type", "applies to action scale only; name a dyno (web.1) or leave both empty to restart all"))
		}
		if c.Quantity != nil || c.Size != "" {
			errs = append(errs, reactkit.Field("quantity", "quantity and size apply to action scale only"))
		}
	case "scale":
		if c.ProcessType == "" {
			errs = append(errs, reactkit.Field("process_type", "required to scale"))
		}
		if c.Quantity == nil {
			errs = append(errs, reactkit.Field("quantity", "required to scale"))
		} else if *c.Quantity < 0 {
			errs = append(errs, reactkit.Field("quantity", "must not be negative"))
		}
		if c.Dyno != "" {
			errs = append(errs, reactkit.Field("dyno", "applies to action restart only"))
		}
	}
	if c.Timeout < 0 {
		errs = append(errs, reactkit.Field("timeout", "must not be negative"))
	}
	return reactkit.Join(errs...)
}
