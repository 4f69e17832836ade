package main

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/checkkit"
	"github.com/runbookhq/runbook/sdk"
)

// Config is the monitor's config object; see schema in main.go. The key
// itself is never in the config, only the name of the secret holding it.
type Config struct {
	Host             string  `json:"host"`
	Port             int     `json:"port,omitempty"`
	User             string  `json:"user"`
	KeySecret        string  `json:"key_secret,omitempty"`
	PassphraseSecret string  `json:"passphrase_secret,omitempty"`
	HostKey          string  `json:"host_key,omitempty"`
	Command          string  `json:"command"`
	ExpectedOutput   string  `json:"expected_output,omitempty"`
	Timeout          float64 `json:"timeout,omitempty"`
}

// Validate runs before saving a monitor and before every check.
func (c Config) Validate() error {
	if err := checkkit.CheckHost(c.Host); err != nil {
		return err
	}
	if err := checkkit.CheckPort(c.Port); err != nil {
		return err
	}
	if c.User == "" {
		return errors.New("user: required")
	}
	if strings.TrimSpace(c.Command) == "" {
		return errors.New("command: required")
	}
	if _, err := regexp.Compile(c.ExpectedOutput); err != nil {
		return fmt.Errorf("expected_output: %w", err)
	}
	return checkkit.CheckTimeout(c.Timeout)
}

func (c Config) keySecret() string {
	if c.KeySecret == "" {
		return "ssh_key"
	}
	return c.KeySecret
}

func check(ctx sdk.Context, cfg Config) sdk.Output {
	key := ctx.Secrets[cfg.keySecret()]
	if key == "" {
		return sdk.Unknown("secret %q (the SSH private key) is not set for this monitor", cfg.keySecret())
	}
	addr := checkkit.Addr(cfg.Host, cfg.Port, 22)
	resp, err := sdk.SSH(sdk.SSHRequest{
		Address:    addr,
		User:       cfg.User,
		PrivateKey: []byte(key),
		Passphrase: ctx.Secrets[cfg.PassphraseSecret],
		HostKey:    cfg.HostKey,
		Command:    cfg.Command,
		TimeoutMS:  checkkit.TimeoutMS(cfg.Timeout, 30),
	})
	if err != nil {
		return checkkit.HostErr(err, "ssh %s@%s", cfg.User, addr)
	}
	return judge(cfg, resp).Metric("exit_status", float64(resp.ExitStatus)).Metric("total_ms", resp.TotalMS)
}

func judge(cfg Config, resp *sdk.SSHResponse) sdk.Output {
	stdout := strings.TrimSpace(string(resp.Stdout))
	switch {
	case resp.ExitSignal != "":
		return sdk.Failed("%q killed by signal %s", cfg.Command, resp.ExitSignal)
	case resp.ExitStatus != 0:
		return sdk.Failed("%q exited %d: %s", cfg.Command, resp.ExitStatus, short(firstNonEmpty(string(resp.Stderr), stdout)))
	// The final newline every command prints is not part of what users
	// mean by "the output", so "^active$" matches "active\n".
	case cfg.ExpectedOutput != "" && !regexp.MustCompile(cfg.ExpectedOutput).MatchString(strings.TrimRight(string(resp.Stdout), "\r\n")):
		return sdk.Failed("%q output %q does not match %q", cfg.Command, short(stdout), cfg.ExpectedOutput)
	}
	return sdk.Healthy("%q exited 0: %s", cfg.Command, short(stdout))
}

func firstNonEmpty(a, b string) string {
	if s := strings.TrimSpace(a); s != "" {
		return s
	}
	return b
}

// short keeps a message readable: the first 200 bytes of one output.
func short(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
