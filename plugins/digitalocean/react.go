package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/sdk"
)

// actionRequest is the body of POST /v2/droplets/{id}/actions.
type actionRequest struct {
	Type string `json:"type"`
	Name string `json:"name,omitempty"` // snapshot only
}

// actionResponse is the 201 answer: the action object DigitalOcean
// created, whose id lets a user follow it.
type actionResponse struct {
	Action struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
		Type   string `json:"type"`
	} `json:"action"`
}

func snapshotName(ctx sdk.Context, cfg Config) string {
	if cfg.SnapshotName != "" {
		return cfg.SnapshotName
	}
	name := "runbook-" + reactkit.Name(ctx)
	if !ctx.ScheduledAt.IsZero() {
		name += "-" + ctx.ScheduledAt.UTC().Format("20060102-150405")
	}
	return name
}

func react(ctx sdk.Context, cfg Config) sdk.Output {
	token, err := reactkit.Secret(ctx, "token_secret", reactkit.SecretName(cfg.TokenSecret, "digitalocean_token"))
	if err != nil {
		return sdk.Failed("%v", err)
	}
	ar := actionRequest{Type: cfg.Action}
	if cfg.Action == "snapshot" {
		ar.Name = snapshotName(ctx, cfg)
	}
	body, err := json.Marshal(ar)
	if err != nil {
		return sdk.Failed("encode action: %v", err)
	}
	resp, err := reactkit.Send(sdk.HTTPRequest{
		Method: "POST",
		URL:    fmt.Sprintf("%s/v2/droplets/%d/actions", strings.TrimSuffix(cfg.APIURL, "/"), cfg.DropletID),
		Headers: map[string][]string{
			"Content-Type":  {"application/json"},
			"Authorization": {"Bearer " + token},
		},
		Body:      body,
		TimeoutMS: int(cfg.Timeout * 1000),
	}, nil)
	if err != nil {
		return sdk.Failed("droplet %d %s: %v", cfg.DropletID, cfg.Action, err)
	}
	var r actionResponse
	if err := json.Unmarshal(resp.Body, &r); err != nil {
		return sdk.Failed("droplet %d %s: status %d but the answer is not an action: %v", cfg.DropletID, cfg.Action, resp.Status, err)
	}
	if r.Action.Status == "errored" {
		return sdk.Failed("droplet %d %s: action %d errored", cfg.DropletID, cfg.Action, r.Action.ID)
	}
	return sdk.OK("droplet %d %s: action %d %s", cfg.DropletID, cfg.Action, r.Action.ID, r.Action.Status).Metric("total_ms", resp.Timing.TotalMS)
}
