package main

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/plugins/internal/sshcheck"
	"github.com/runbookhq/runbook/plugins/internal/sysstat"
	"github.com/runbookhq/runbook/sdk"
)

// Config is the monitor's config object; see schema in main.go.
type Config struct {
	sshcheck.Conn
	sshcheck.Threshold
	Interval int `json:"interval,omitempty"`
}

// Validate runs before saving a monitor and before every check.
func (c Config) Validate() error {
	errs := []error{c.Conn.Check(), c.Threshold.CheckRange(0, 100)}
	if c.Interval < 0 || c.Interval > 10 {
		errs = append(errs, reactkit.Field("interval", "%d s: want 1 to 10", c.Interval))
	}
	if float64(c.interval()) >= float64(sshcheck.TimeoutSeconds(c.Timeout)) {
		errs = append(errs, reactkit.Field("interval", "%d s: must be shorter than the timeout", c.interval()))
	}
	return errors.Join(errs...)
}

func (c Config) interval() int {
	if c.Interval == 0 {
		return defaultInterval
	}
	return c.Interval
}

// command reads the aggregate cpu line twice, interval seconds apart.
func (c Config) command() string {
	return fmt.Sprintf("head -n 1 /proc/stat; sleep %s; head -n 1 /proc/stat", strconv.Itoa(c.interval()))
}

func check(ctx sdk.Context, cfg Config) sdk.Output {
	cmd := cfg.command()
	out, verdict := sshcheck.Stdout(ctx, cfg.Conn, cmd)
	if verdict != nil {
		return *verdict
	}
	idle, err := sysstat.ParseCPUSamples(out)
	if err != nil {
		return sdk.Unknown("%s: %v", cfg.Where(), err)
	}
	return cfg.Judge("idle CPU", idle, "%", defaultLimit, defaultFailWhen).Metric("idle_percent", idle)
}
