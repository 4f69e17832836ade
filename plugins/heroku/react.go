package main

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/sdk"
)

// accept selects version 3 of the Platform API; without it Heroku
// answers with an error.
const accept = "application/vnd.heroku+json; version=3"

// call is one Platform API request.
type call struct {
	method, path string
	body         any
	what         string // for messages
}

// plan turns the config into the request: restart is a DELETE of all
// dynos or of one, scale a PATCH of a formation.
func plan(cfg Config) call {
	app := "/apps/" + url.PathEscape(cfg.App)
	switch {
	case cfg.Action == "scale":
		body := map[string]any{"quantity": *cfg.Quantity}
		if cfg.Size != "" {
			body["size"] = cfg.Size
		}
		return call{"PATCH", app + "/formation/" + url.PathEscape(cfg.ProcessType), body, "scaled " + cfg.ProcessType}
	case cfg.Dyno != "":
		return call{"DELETE", app + "/dynos/" + url.PathEscape(cfg.Dyno), nil, "restarted dyno " + cfg.Dyno}
	default:
		return call{"DELETE", app + "/dynos", nil, "restarted all dynos"}
	}
}

// formation is the part of the PATCH answer reported back.
type formation struct {
	Type     string `json:"type"`
	Quantity int    `json:"quantity"`
	Size     string `json:"size"`
}

func react(ctx sdk.Context, cfg Config) sdk.Output {
	token, err := reactkit.Secret(ctx, "token_secret", reactkit.SecretName(cfg.TokenSecret, "heroku_api_key"))
	if err != nil {
		return sdk.Failed("%v", err)
	}
	c := plan(cfg)
	req := sdk.HTTPRequest{
		Method: c.method,
		URL:    strings.TrimSuffix(cfg.APIURL, "/") + c.path,
		Headers: map[string][]string{
			"Accept":        {accept},
			"Authorization": {"Bearer " + token},
		},
		TimeoutMS: int(cfg.Timeout * 1000),
	}
	if c.body != nil {
		if req.Body, err = json.Marshal(c.body); err != nil {
			return sdk.Failed("encode request: %v", err)
		}
		req.Headers["Content-Type"] = []string{"application/json"}
	}
	resp, err := reactkit.Send(req, nil)
	if err != nil {
		return sdk.Failed("heroku %s: %v", cfg.App, err)
	}
	if cfg.Action == "scale" {
		var f formation
		if json.Unmarshal(resp.Body, &f) == nil && f.Type != "" {
			return sdk.OK("heroku %s: %s to %d × %s", cfg.App, f.Type, f.Quantity, f.Size).Metric("total_ms", resp.Timing.TotalMS)
		}
	}
	return sdk.OK("heroku %s: %s", cfg.App, c.what).Metric("total_ms", resp.Timing.TotalMS)
}
