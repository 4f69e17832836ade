package main

import "github.com/runbookhq/runbook/plugins/internal/reactkit"

// Config is the reaction's config object; see schema in main.go.
type Config struct {
	APIURL       string  `json:"api_url"`
	TokenSecret  string  `json:"token_secret,omitempty"`
	DropletID    int64   `json:"droplet_id"`
	Action       string  `json:"action"`
	SnapshotName string  `json:"snapshot_name,omitempty"`
	Timeout      float64 `json:"timeout,omitempty"`
}

// Validate runs before saving a reaction and before every run.
func (c Config) Validate() error {
	var errs []error
	errs = append(errs, reactkit.BaseURL("api_url", c.APIURL))
	if c.DropletID < 1 {
		errs = append(errs, reactkit.Field("droplet_id", "required (a positive number)"))
	}
	errs = append(errs, reactkit.OneOf("action", c.Action, "reboot", "power_cycle", "power_off", "power_on", "shutdown", "snapshot"))
	if c.SnapshotName != "" && c.Action != "snapshot" {
		errs = append(errs, reactkit.Field("snapshot_name", "applies to action snapshot only"))
	}
	if c.Timeout < 0 {
		errs = append(errs, reactkit.Field("timeout", "must not be negative"))
	}
	return reactkit.Join(errs...)
}
