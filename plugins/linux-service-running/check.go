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
	Unit string `json:"unit"`
}

// Validate runs before saving a monitor and before every check. The unit
// name goes into a remote shell command, so it must be a plain name.
func (c Config) Validate() error {
	return errors.Join(c.Conn.Check(), sshcheck.Name("unit", c.Unit, sshcheck.UnitName,
		"want a unit name: letters, digits and : _ . @ - (not first), at most 255"))
}

func (c Config) command() string { return sshcheck.Command("systemctl", "is-active", c.Unit) }

func check(ctx sdk.Context, cfg Config) sdk.Output {
	cmd := cfg.command()
	resp, verdict := sshcheck.Exec(ctx, cfg.Conn, cmd)
	if verdict != nil {
		return *verdict
	}
	// is-active prints the state and exits non-zero unless it is active:
	// a state word on stdout is the answer whatever the exit status.
	state, err := sysstat.ParseUnitState(string(resp.Stdout))
	if err != nil {
		if resp.ExitStatus != 0 || resp.ExitSignal != "" {
			return sshcheck.Failed(cmd, resp)
		}
		return sdk.Unknown("%q on %s: %v", cmd, cfg.Where(), err)
	}
	if (state == "active" || state == "reloading") && resp.ExitStatus == 0 {
		return sdk.Healthy("unit %s is %s", cfg.Unit, state).Metric("active", 1).Metric("total_ms", resp.TotalMS)
	}
	return sdk.Failed("unit %s is %s%s", cfg.Unit, state, stderrNote(resp)).Metric("active", 0).Metric("total_ms", resp.TotalMS)
}

// stderrNote adds what systemctl said on stderr (an unknown unit, no
// bus), if anything.
func stderrNote(resp *sdk.SSHResponse) string {
	if s := sshcheck.Quote(resp.Stderr); s != "" {
		return " (" + s + ")"
	}
	return ""
}
