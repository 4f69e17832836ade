package main

import (
	"errors"

	"github.com/runbookhq/runbook/plugins/internal/sshcheck"
	"github.com/runbookhq/runbook/plugins/internal/sysstat"
	"github.com/runbookhq/runbook/sdk"
)

// Config is the monitor's config object; see schema in main.go.
type Config struct {
	sshcheck.Conn
	sshcheck.Threshold
	Unit string `json:"unit,omitempty"`
}

// Validate runs before saving a monitor and before every check.
func (c Config) Validate() error {
	return errors.Join(c.Conn.Check(), sshcheck.CheckUnit(c.Threshold, c.Unit))
}

const command = "cat /proc/meminfo"

func check(ctx sdk.Context, cfg Config) sdk.Output {
	out, verdict := sshcheck.Stdout(ctx, cfg.Conn, command)
	if verdict != nil {
		return *verdict
	}
	m, err := sysstat.ParseMeminfo(out)
	if err != nil {
		return sdk.Unknown("%s: %v", cfg.Where(), err)
	}
	v, unit := sshcheck.InUnit(cfg.Unit, m.Available, m.AvailablePercent())
	return cfg.Judge("available memory", v, unit, defaultLimit, defaultFailWhen).
		Metric("available_bytes", float64(m.Available)).Metric("total_bytes", float64(m.Total)).
		Metric("available_percent", m.AvailablePercent())
}
