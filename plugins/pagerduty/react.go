package main

import (
	"encoding/json"
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/sdk"
)

// response is the Events API's answer (202 on success, 400 with errors).
type response struct {
	Status   string `json:"status"`
	Message  string `json:"message"`
	DedupKey string `json:"dedup_key"`
}

func react(ctx sdk.Context, cfg Config) sdk.Output {
	if ctx.MonitorID == "" {
		return sdk.Failed("no monitor id in the trigger: the dedup key would not be stable")
	}
	key, err := reactkit.Secret(ctx, "routing_key_secret", reactkit.SecretName(cfg.RoutingKeySecret, defaultSecret))
	if err != nil {
		return sdk.Failed("%v", err)
	}
	ev := build(ctx, cfg, key)
	body, err := json.Marshal(ev)
	if err != nil {
		return sdk.Failed("encode event: %v", err)
	}
	resp, err := reactkit.Send(sdk.HTTPRequest{
		Method:    "POST",
		URL:       strings.TrimSuffix(cfg.APIURL, "/") + "/v2/enqueue",
		Headers:   map[string][]string{"Content-Type": {"application/json"}},
		Body:      body,
		TimeoutMS: int(cfg.Timeout * 1000),
	}, nil)
	if err != nil {
		return sdk.Failed("pagerduty %s: %v", ev.EventAction, err)
	}
	var r response
	_ = json.Unmarshal(resp.Body, &r) // the status code already said it worked
	return sdk.OK("pagerduty %s %s: %s", ev.EventAction, ev.DedupKey, orDefault(r.Message, "accepted")).
		Metric("total_ms", resp.Timing.TotalMS)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
