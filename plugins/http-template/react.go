package main

import (
	"sort"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/sdk"
)

func react(ctx sdk.Context, cfg Config) sdk.Output {
	req := sdk.HTTPRequest{
		Method:    cfg.method(),
		URL:       cfg.URL,
		Headers:   map[string][]string{},
		TimeoutMS: int(cfg.Timeout * 1000),
		// Enough of the answer to quote the receiver's complaint.
		MaxBodyBytes: 4096,
	}
	if cfg.Body != "" {
		tmpl, err := parse(cfg.Body)
		if err != nil {
			return sdk.Failed("body: %v", err)
		}
		if req.Body, err = render(tmpl, dataOf(ctx)); err != nil {
			return sdk.Failed("%v", err)
		}
		ct := cfg.ContentType
		if ct == "" {
			ct = "application/json"
		}
		req.Headers["Content-Type"] = []string{ct}
	}
	for k, v := range cfg.Headers {
		req.Headers[k] = []string{v}
	}
	// Sorted so a missing secret is reported the same way every time.
	names := make([]string, 0, len(cfg.SecretHeaders))
	for k := range cfg.SecretHeaders {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v, err := reactkit.Secret(ctx, "secret_headers."+k, cfg.SecretHeaders[k])
		if err != nil {
			return sdk.Failed("%v", err)
		}
		req.Headers[k] = []string{v}
	}
	if cfg.TLSVerify != nil && !*cfg.TLSVerify {
		req.TLS = &sdk.TLS{InsecureSkipVerify: true}
	}
	resp, err := sdk.HTTP(req)
	if err != nil {
		return sdk.Failed("%s %s: %v", req.Method, reactkit.Redact(cfg.URL), reactkit.Scrub(err, cfg.URL))
	}
	if !cfg.ok(resp.Status) {
		return sdk.Failed("%s %s: %v", req.Method, reactkit.Redact(cfg.URL), &reactkit.ProviderError{Status: resp.Status, Message: reactkit.JSONMessage(resp.Body)})
	}
	return sdk.OK("%s %s: status %d", req.Method, reactkit.Redact(cfg.URL), resp.Status).Metric("total_ms", resp.Timing.TotalMS)
}
