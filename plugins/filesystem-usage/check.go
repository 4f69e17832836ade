package main

import (
	"errors"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/plugins/internal/sshcheck"
	"github.com/runbookhq/runbook/plugins/internal/sysstat"
	"github.com/runbookhq/runbook/sdk"
)

// Config is the monitor's config object; see schema in main.go.
type Config struct {
	sshcheck.Conn
	sshcheck.Threshold
	Path string `json:"path,omitempty"`
}

// Validate runs before saving a monitor and before every check. The path
// goes into a remote shell command, so it must be plain.
func (c Config) Validate() error {
	errs := []error{c.Conn.Check(), c.Threshold.CheckRange(0, 100),
		sshcheck.Name("path", c.path(), sshcheck.Path, "want an absolute path of letters, digits and _ . / @ + : -")}
	if len(c.Path) > 4096 {
		errs = append(errs, reactkit.Field("path", "longer than 4096 bytes"))
	}
	return errors.Join(errs...)
}

func (c Config) path() string {
	if c.Path == "" {
		return "/"
	}
	return c.Path
}

// command asks for POSIX output in KiB, one line per filesystem whatever
// the locale or the length of the device name.
func (c Config) command() string { return sshcheck.Command("df", "-P", "-k", c.path()) }

func check(ctx sdk.Context, cfg Config) sdk.Output {
	out, verdict := sshcheck.Stdout(ctx, cfg.Conn, cfg.command())
	if verdict != nil {
		return *verdict
	}
	fs, err := sysstat.ParseDF(out)
	if err != nil {
		return sdk.Unknown("%s: %v", cfg.Where(), err)
	}
	return cfg.Judge("filesystem "+fs.MountPoint+" used", fs.UsedPercent(), "%", defaultLimit, defaultFailWhen).
		Metric("used_percent", fs.UsedPercent()).Metric("used_bytes", float64(fs.Used)).
		Metric("available_bytes", float64(fs.Available)).Metric("size_bytes", float64(fs.Size))
}
