package main

import (
	"encoding/json"
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/sdk"
)

// message is Slack's incoming webhook payload.
type message struct {
	Text      string `json:"text"`
	Channel   string `json:"channel,omitempty"`
	Username  string `json:"username,omitempty"`
	IconEmoji string `json:"icon_emoji,omitempty"`
}

// escaper escapes the three characters Slack's mrkdwn treats as control
// characters, so a monitor message cannot ping @channel or forge links.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func text(ctx sdk.Context) string {
	icon := ":large_yellow_circle:"
	switch ctx.Status {
	case "failed":
		icon = ":red_circle:"
	case "healthy":
		icon = ":large_green_circle:"
	}
	t := icon + " *" + escaper.Replace(reactkit.Name(ctx)) + "* is " + escaper.Replace(ctx.Status)
	if ctx.PreviousStatus != "" && ctx.PreviousStatus != ctx.Status {
		t += " (was " + escaper.Replace(ctx.PreviousStatus) + ")"
	}
	if ctx.Message != "" {
		t += ": " + escaper.Replace(ctx.Message)
	}
	if ctx.Zone != "" {
		t += " _[" + escaper.Replace(ctx.Zone) + "]_"
	}
	return t
}

func react(ctx sdk.Context, cfg Config) sdk.Output {
	secret, err := reactkit.Secret(ctx, "webhook_secret", reactkit.SecretName(cfg.WebhookSecret, defaultSecret))
	if err != nil {
		return sdk.Failed("%v", err)
	}
	u, err := cfg.webhookURL(secret)
	if err != nil {
		return sdk.Failed("%v", err)
	}
	body, err := json.Marshal(message{Text: text(ctx), Channel: cfg.Channel, Username: cfg.Username, IconEmoji: cfg.IconEmoji})
	if err != nil {
		return sdk.Failed("encode message: %v", err)
	}
	resp, err := reactkit.Send(sdk.HTTPRequest{
		Method:    "POST",
		URL:       u,
		Headers:   map[string][]string{"Content-Type": {"application/json"}},
		Body:      body,
		TimeoutMS: int(cfg.Timeout * 1000),
	}, nil)
	if err != nil {
		// The URL is the credential: never quote it, not even redacted.
		return sdk.Failed("slack webhook: %v", strip(err, u))
	}
	return sdk.OK("posted to Slack").Metric("total_ms", resp.Timing.TotalMS)
}

// strip removes the webhook URL from an error's text.
func strip(err error, u string) string {
	s := err.Error()
	if i := strings.Index(u, "/services/"); i >= 0 {
		s = strings.ReplaceAll(s, u[i:], "/services/…")
	}
	return s
}
