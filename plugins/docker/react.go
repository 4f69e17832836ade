package main

import (
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/sshreact"
	"github.com/runbookhq/runbook/sdk"
)

func react(ctx sdk.Context, cfg Config) sdk.Output {
	argv := cfg.argv()
	return sshreact.Run(ctx, cfg.Target, strings.Join(argv, " ")+" on "+cfg.Host, sshreact.Command(argv...))
}
