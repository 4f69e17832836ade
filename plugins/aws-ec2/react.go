package main

import (
	"encoding/xml"
	"strings"
	"time"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/sdk"
)

const contentType = "application/x-www-form-urlencoded; charset=utf-8"

func creds(ctx sdk.Context, cfg Config) (credentials, error) {
	var c credentials
	var err error
	if c.AccessKeyID, err = reactkit.Secret(ctx, "access_key_id_secret", reactkit.SecretName(cfg.AccessKeyIDSecret, "aws_access_key_id")); err != nil {
		return c, err
	}
	if c.SecretAccessKey, err = reactkit.Secret(ctx, "secret_access_key_secret", reactkit.SecretName(cfg.SecretAccessKeySecret, "aws_secret_access_key")); err != nil {
		return c, err
	}
	if cfg.SessionTokenSecret != "" {
		if c.SessionToken, err = reactkit.Secret(ctx, "session_token_secret", cfg.SessionTokenSecret); err != nil {
			return c, err
		}
	}
	return c, nil
}

func react(ctx sdk.Context, cfg Config) sdk.Output {
	c, err := creds(ctx, cfg)
	if err != nil {
		return sdk.Failed("%v", err)
	}
	endpoint := strings.TrimSuffix(cfg.Endpoint, "/") + "/"
	body := []byte(form(cfg).Encode())
	// WASI's wall clock is the host's; SigV4 only needs it within 5 min.
	s, err := sign(signing{
		Method: "POST", URL: endpoint, Body: body,
		Header: map[string]string{"Content-Type": contentType},
		Region: cfg.Region, Service: "ec2", Time: time.Now(),
	}, c)
	if err != nil {
		return sdk.Failed("%v", err)
	}
	headers := map[string][]string{
		"Content-Type":  {contentType},
		"X-Amz-Date":    {s.AmzDate},
		"Authorization": {s.Authorization},
	}
	if c.SessionToken != "" {
		headers["X-Amz-Security-Token"] = []string{c.SessionToken}
	}
	action := actions[cfg.Action]
	resp, err := reactkit.Send(sdk.HTTPRequest{
		Method: "POST", URL: endpoint, Headers: headers, Body: body,
		TimeoutMS: int(cfg.Timeout * 1000),
	}, explain)
	if err != nil {
		return sdk.Failed("ec2 %s: %v", action, err)
	}
	var r result
	if err := xml.Unmarshal(resp.Body, &r); err != nil {
		return sdk.Failed("ec2 %s: status %d but the answer is not a %sResponse: %v", action, resp.Status, action, err)
	}
	if cfg.Action == "reboot" && r.Return != "true" {
		return sdk.Failed("ec2 %s: return %q", action, r.Return)
	}
	return sdk.OK("ec2 %s %s: %s", action, strings.Join(cfg.InstanceIDs, ","), r).Metric("total_ms", resp.Timing.TotalMS)
}
