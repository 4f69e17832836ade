package main

import (
	"net/url"
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
)

// Config is the reaction's config object; see schema in main.go.
type Config struct {
	APIURL        string  `json:"api_url"`
	WebhookSecret string  `json:"webhook_secret,omitempty"`
	Channel       string  `json:"channel,omitempty"`
	Username      string  `json:"username,omitempty"`
	IconEmoji     string  `json:"icon_emoji,omitempty"`
	Timeout       float64 `json:"timeout,omitempty"`
}

const defaultSecret = "slack_webhook"

// Validate runs before saving a reaction and before every run.
func (c Config) Validate() error {
	var errs []error
	errs = append(errs, reactkit.BaseURL("api_url", c.APIURL))
	if c.IconEmoji != "" && (!strings.HasPrefix(c.IconEmoji, ":") || !strings.HasSuffix(c.IconEmoji, ":")) {
		errs = append(errs, reactkit.Field("icon_emoji", "want :name:, got %q", c.IconEmoji))
	}
	if c.Timeout < 0 {
		errs = append(errs, reactkit.Field("timeout", "must not be negative"))
	}
	return reactkit.Join(errs...)
}

// webhookURL resolves the secret against api_url. A full URL in the
// secret must point at api_url's host: the host would refuse anything
// else, and this says why in words.
func (c Config) webhookURL(secret string) (string, error) {
	base, err := url.Parse(c.APIURL)
	if err != nil {
		return "", reactkit.Field("api_url", "%v", err)
	}
	ref, err := url.Parse(strings.TrimSpace(secret))
	if err != nil {
		// The parse error quotes the URL, which is the credential.
		return "", reactkit.Field("webhook_secret", "secret is not a URL or path")
	}
	if ref.IsAbs() && !strings.EqualFold(ref.Host, base.Host) {
		return "", reactkit.Field("webhook_secret", "secret points at %s, not api_url's host %s", ref.Hostname(), base.Hostname())
	}
	if !strings.HasPrefix(ref.Path, "/") {
		return "", reactkit.Field("webhook_secret", "secret has no /services/... path")
	}
	return base.ResolveReference(ref).String(), nil
}
