package main

import (
	"errors"
	"strconv"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/plugins/internal/sshreact"
	"github.com/runbookhq/runbook/sdk"
)

// Config is the reaction's config object; see schema in main.go. The key
// itself is never in the config, only the name of the secret holding it.
type Config struct {
	sshreact.Target
	Command string `json:"command"`
}

// Validate runs before saving a reaction and before every run.
func (c Config) Validate() error {
	return errors.Join(c.Target.Check(), reactkit.Required("command", c.Command))
}

func react(ctx sdk.Context, cfg Config) sdk.Output {
	return sshreact.Run(ctx, cfg.Target, quoteCmd(cfg.Command), cfg.Command)
}

// quoteCmd names the command in messages, shortened: the output, not a
// long script, is what the reader needs.
func quoteCmd(cmd string) string {
	if r := []rune(cmd); len(r) > 80 {
		cmd = string(r[:80]) + "…"
	}
	return strconv.Quote(cmd)
}
