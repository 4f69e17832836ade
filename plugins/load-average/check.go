package main

import (
	"errors"
	"fmt"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/plugins/internal/sshcheck"
	"github.com/runbookhq/runbook/plugins/internal/sysstat"
	"github.com/runbookhq/runbook/sdk"
)

// Config is the monitor's config object; see schema in main.go.
type Config struct {
	sshcheck.Conn
	sshcheck.Threshold
	Period int `json:"period,omitempty"`
	// PerCPU defaults to true: a load of 4 is idle on 16 CPUs and
	// overloaded on 1, and one threshold should fit both.
	PerCPU *bool `json:"per_cpu,omitempty"`
}

// Validate runs before saving a monitor and before every check.
func (c Config) Validate() error {
	errs := []error{c.Conn.Check(), c.Threshold.CheckRange(0, 10000)}
	switch c.Period {
	case 0, 1, 5, 15:
	default:
		errs = append(errs, reactkit.Field("period", "%d: want 1, 5 or 15 minutes", c.Period))
	}
	return errors.Join(errs...)
}

func (c Config) period() int {
	if c.Period == 0 {
		return 5
	}
	return c.Period
}

// command prints the load averages and the online CPU count.
const command = "cat /proc/loadavg; nproc"

func check(ctx sdk.Context, cfg Config) sdk.Output {
	out, verdict := sshcheck.Stdout(ctx, cfg.Conn, command)
	if verdict != nil {
		return *verdict
	}
	l, err := sysstat.ParseLoad(out)
	if err != nil {
		return sdk.Unknown("%s: %v", cfg.Where(), err)
	}
	v, what := l.Over(cfg.period()), fmt.Sprintf("%d-minute load", cfg.period())
	if cfg.PerCPU == nil || *cfg.PerCPU {
		v, what = v/float64(l.CPUs), fmt.Sprintf("%d-minute load per CPU (%d CPUs)", cfg.period(), l.CPUs)
	}
	return cfg.Judge(what, v, "", defaultLimit, defaultFailWhen).
		Metric("load1", l.Load1).Metric("load5", l.Load5).Metric("load15", l.Load15).Metric("cpus", float64(l.CPUs))
}
