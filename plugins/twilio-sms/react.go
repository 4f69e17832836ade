package main

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/sdk"
)

// maxBody keeps a message to Twilio's 1600-character limit.
const maxBody = 1600

func text(ctx sdk.Context, cfg Config) string {
	t := reactkit.Summary(ctx)
	if cfg.Prefix != "" {
		t = cfg.Prefix + " " + t
	}
	if r := []rune(t); len(r) > maxBody {
		t = string(r[:maxBody-1]) + "…"
	}
	return t
}

// sent is the part of Twilio's Message resource the result reports.
type sent struct {
	SID    string `json:"sid"`
	Status string `json:"status"`
}

func react(ctx sdk.Context, cfg Config) sdk.Output {
	token, err := reactkit.Secret(ctx, "auth_token_secret", reactkit.SecretName(cfg.AuthTokenSecret, defaultSecret))
	if err != nil {
		return sdk.Failed("%v", err)
	}
	endpoint := strings.TrimSuffix(cfg.APIURL, "/") + "/2010-04-01/Accounts/" + url.PathEscape(cfg.AccountSID) + "/Messages.json"
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.AccountSID+":"+token))
	body := text(ctx, cfg)
	var sids []string
	var total float64
	// One message per recipient: that is how the API works. Stop at the
	// first failure so a bad credential does not fail ten times.
	for _, to := range cfg.To {
		form := url.Values{"To": {to}, "From": {cfg.From}, "Body": {body}}
		resp, err := reactkit.Send(sdk.HTTPRequest{
			Method: "POST",
			URL:    endpoint,
			Headers: map[string][]string{
				"Content-Type":  {"application/x-www-form-urlencoded"},
				"Authorization": {auth},
				"Accept":        {"application/json"},
			},
			Body:      []byte(form.Encode()),
			TimeoutMS: int(cfg.Timeout * 1000),
		}, nil)
		if err != nil {
			if len(sids) > 0 {
				return sdk.Failed("twilio: SMS to %s: %v (already sent to %d of %d)", to, err, len(sids), len(cfg.To))
			}
			return sdk.Failed("twilio: SMS to %s: %v", to, err)
		}
		var m sent
		_ = json.Unmarshal(resp.Body, &m) // the status code already said it was accepted
		sids = append(sids, m.SID)
		total += resp.Timing.TotalMS
	}
	return sdk.OK("twilio: sent %d SMS (%s)", len(sids), strings.Join(sids, ", ")).Metric("total_ms", total)
}
