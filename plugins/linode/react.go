package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/sdk"
)

func react(ctx sdk.Context, cfg Config) sdk.Output {
	token, err := reactkit.Secret(ctx, "token_secret", reactkit.SecretName(cfg.TokenSecret, "linode_token"))
	if err != nil {
		return sdk.Failed("%v", err)
	}
	// boot and reboot take an optional {"config_id": N}; shutdown takes
	// nothing. An empty object is what the API documents for "no options".
	opts := map[string]int64{}
	if cfg.ConfigID != 0 {
		opts["config_id"] = cfg.ConfigID
	}
	body, err := json.Marshal(opts)
	if err != nil {
		return sdk.Failed("encode request: %v", err)
	}
	resp, err := reactkit.Send(sdk.HTTPRequest{
		Method: "POST",
		URL:    fmt.Sprintf("%s/v4/linode/instances/%d/%s", strings.TrimSuffix(cfg.APIURL, "/"), cfg.LinodeID, cfg.Action),
		Headers: map[string][]string{
			"Content-Type":  {"application/json"},
			"Authorization": {"Bearer " + token},
		},
		Body:      body,
		TimeoutMS: int(cfg.Timeout * 1000),
	}, nil)
	if err != nil {
		return sdk.Failed("linode %d %s: %v", cfg.LinodeID, cfg.Action, err)
	}
	return sdk.OK("linode %d %s: accepted", cfg.LinodeID, cfg.Action).Metric("total_ms", resp.Timing.TotalMS)
}
