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
	Container string `json:"container"`
}

// Validate runs before saving a monitor and before every check. The name
// goes into a remote shell command, so it must be a plain name.
func (c Config) Validate() error {
	return errors.Join(c.Conn.Check(), sshcheck.Name("container", c.Container, sshcheck.ContainerName,
		"want a container name or id: letters, digits and _ . - (not first), at most 255"))
}

// command asks for containers only (--type container), so an image of
// the same name is never what answers.
func (c Config) command() string {
	return sshcheck.Command("docker", "inspect", "--type", "container", "-f", "{{.State.Running}}", c.Container)
}

func check(ctx sdk.Context, cfg Config) sdk.Output {
	cmd := cfg.command()
	out, verdict := sshcheck.Stdout(ctx, cfg.Conn, cmd)
	if verdict != nil {
		// A missing container is docker exiting 1 with "No such
		// container" on stderr: failed, quoting it.
		return *verdict
	}
	running, err := sysstat.ParseRunning(out)
	if err != nil {
		return sdk.Unknown("%q on %s: %v", cmd, cfg.Where(), err)
	}
	if !running {
		return sdk.Failed("container %s is not running", cfg.Container).Metric("running", 0)
	}
	return sdk.Healthy("container %s is running", cfg.Container).Metric("running", 1)
}
