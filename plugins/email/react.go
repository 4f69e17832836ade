package main

import (
	"github.com/runbookhq/runbook/plugins/internal/checkkit"
	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/sdk"
)

func react(ctx sdk.Context, cfg Config) sdk.Output {
	d := dataOf(ctx)
	subject, err := render("subject", cfg.subject(), d)
	if err != nil {
		return sdk.Failed("%v", err)
	}
	body, err := render("body", cfg.body(), d)
	if err != nil {
		return sdk.Failed("%v", err)
	}
	m := sdk.Mail{
		Relay:              cfg.relay(),
		StartTLS:           cfg.StartTLS,
		InsecureSkipVerify: cfg.TLSVerify != nil && !*cfg.TLSVerify,
		From:               cfg.From,
		To:                 cfg.To,
		Subject:            oneLine(subject),
		Body:               body,
		TimeoutMS:          checkkit.TimeoutMS(cfg.Timeout, 30),
	}
	if cfg.Username != "" {
		m.Username = cfg.Username
		if m.Password, err = reactkit.Secret(ctx, "password_secret", cfg.passwordSecret()); err != nil {
			return sdk.Failed("%v", err)
		}
	}
	if err := sdk.SendMail(m); err != nil {
		return sdk.Failed("mail via %s: %v", m.Relay, err)
	}
	return sdk.OK("mailed %d recipient(s) via %s: %s", len(m.To), m.Relay, m.Subject)
}
