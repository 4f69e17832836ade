package main

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/sshcheck"
	"github.com/runbookhq/runbook/sdk"
)

// Config is the monitor's config object; see schema in main.go. The keys
// themselves are never in the config, only the names of the secrets
// holding them.
type Config struct {
	sshcheck.Conn
	Command        string `json:"command"`
	ExpectedOutput string `json:"expected_output,omitempty"`
}

// Validate runs before saving a monitor and before every check.
func (c Config) Validate() error {
	errs := []error{c.Conn.Check()}
	if strings.TrimSpace(c.Command) == "" {
		errs = append(errs, errors.New("command: required"))
	}
	if _, err := regexp.Compile(c.ExpectedOutput); err != nil {
		errs = append(errs, fmt.Errorf("expected_output: %w", err))
	}
	return errors.Join(errs...)
}

func check(ctx sdk.Context, cfg Config) sdk.Output {
	resp, verdict := sshcheck.Exec(ctx, cfg.Conn, cfg.Command)
	if verdict != nil {
		return *verdict
	}
	return judge(cfg, resp).Metric("exit_status", float64(resp.ExitStatus)).Metric("total_ms", resp.TotalMS)
}

func judge(cfg Config, resp *sdk.SSHResponse) sdk.Output {
	stdout := strings.TrimSpace(string(resp.Stdout))
	switch {
	case resp.ExitSignal != "" || resp.ExitStatus != 0:
		return sshcheck.Failed(cfg.Command, resp)
	// The final newline every command prints is not part of what users
	// mean by "the output", so "^active$" matches "active\n".
	case cfg.ExpectedOutput != "" && !regexp.MustCompile(cfg.ExpectedOutput).MatchString(strings.TrimRight(string(resp.Stdout), "\r\n")):
		return sdk.Failed("%q output %q does not match %q", cfg.Command, sshcheck.Quote(resp.Stdout), cfg.ExpectedOutput)
	}
	return sdk.Healthy("%q exited 0: %s", cfg.Command, sshcheck.Quote([]byte(stdout)))
}
