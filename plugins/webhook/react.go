package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	"github.com/runbookhq/runbook/sdk"
)

// Config is the reaction's config object; see schema in main.go.
type Config struct {
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers,omitempty"`
	Timeout   float64           `json:"timeout,omitempty"`
	TLSVerify *bool             `json:"tls_verify,omitempty"`
}

// Validate runs before saving a reaction and before every run.
func (c Config) Validate() error {
	u, err := url.Parse(c.URL)
	if err != nil {
		return fmt.Errorf("url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return errors.New("url: want an absolute http:// or https:// URL")
	}
	return nil
}

// Payload is the JSON body posted to the webhook. Its shape is part of the
// plugin's contract with receivers: add fields, never rename.
type Payload struct {
	Event          string `json:"event"` // always "runbook.reaction"
	MonitorID      string `json:"monitor_id"`
	MonitorName    string `json:"monitor_name,omitempty"`
	Zone           string `json:"zone,omitempty"`
	Status         string `json:"status"`
	PreviousStatus string `json:"previous_status,omitempty"`
	Message        string `json:"message,omitempty"`
	ReactionID     string `json:"reaction_id,omitempty"`
	ReactionName   string `json:"reaction_name,omitempty"`
	At             string `json:"at,omitempty"` // RFC 3339 time of the scheduled run
}

func payload(ctx sdk.Context) Payload {
	p := Payload{
		Event:          "runbook.reaction",
		MonitorID:      ctx.MonitorID,
		MonitorName:    ctx.MonitorName,
		Zone:           ctx.Zone,
		Status:         ctx.Status,
		PreviousStatus: ctx.PreviousStatus,
		Message:        ctx.Message,
		ReactionID:     ctx.ReactionID,
		ReactionName:   ctx.ReactionName,
	}
	if !ctx.ScheduledAt.IsZero() {
		p.At = ctx.ScheduledAt.UTC().Format("2006-01-02T15:04:05.999999999Z07:00")
	}
	return p
}

func react(ctx sdk.Context, cfg Config) sdk.Output {
	body, err := json.Marshal(payload(ctx))
	if err != nil {
		return sdk.Failed("encode payload: %v", err)
	}
	req := sdk.HTTPRequest{
		Method:       "POST",
		URL:          cfg.URL,
		Headers:      map[string][]string{"Content-Type": {"application/json"}, "User-Agent": {"runbook-webhook/0.1"}},
		Body:         body,
		TimeoutMS:    int(cfg.Timeout * 1000),
		MaxBodyBytes: 512, // enough to quote the receiver's complaint
	}
	for k, v := range cfg.Headers {
		req.Headers[k] = []string{v}
	}
	if cfg.TLSVerify != nil && !*cfg.TLSVerify {
		req.TLS = &sdk.TLS{InsecureSkipVerify: true}
	}
	resp, err := sdk.HTTP(req)
	if err != nil {
		return sdk.Failed("POST %s: %v", cfg.URL, err)
	}
	if resp.Status < 200 || resp.Status > 299 {
		return sdk.Failed("POST %s: status %d: %s", cfg.URL, resp.Status, resp.Body)
	}
	return sdk.OK("POST %s: status %d", cfg.URL, resp.Status).Metric("total_ms", resp.Timing.TotalMS)
}
