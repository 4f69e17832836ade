package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"

	"github.com/runbookhq/runbook/plugins/internal/checkkit"
	"github.com/runbookhq/runbook/sdk"
)

// Config is the monitor's config object; see schema in main.go.
type Config struct {
	URL          string            `json:"url"`
	Keyword      string            `json:"keyword"`
	Regex        bool              `json:"regex,omitempty"`
	Present      *bool             `json:"present,omitempty"`
	MaxBodyBytes int               `json:"max_body_bytes,omitempty"`
	Host         string            `json:"host,omitempty"`
	Headers      map[string]string `json:"headers,omitempty"`
	Timeout      float64           `json:"timeout,omitempty"`
	TLSVerify    *bool             `json:"tls_verify,omitempty"`
}

const maxBody = 1 << 20

// Validate runs before saving a monitor and before every check.
func (c Config) Validate() error {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("url: want an absolute http:// or https:// URL")
	}
	if c.Keyword == "" {
		return errors.New("keyword: required")
	}
	if c.Regex {
		if _, err := regexp.Compile(c.Keyword); err != nil {
			return fmt.Errorf("keyword: %w", err)
		}
	}
	if c.MaxBodyBytes < 0 || c.MaxBodyBytes > maxBody {
		return fmt.Errorf("max_body_bytes: %d: want 1 to %d", c.MaxBodyBytes, maxBody)
	}
	return checkkit.CheckTimeout(c.Timeout)
}

func (c Config) present() bool { return c.Present == nil || *c.Present }

func check(_ sdk.Context, cfg Config) sdk.Output {
	req := sdk.HTTPRequest{URL: cfg.URL, Host: cfg.Host, TimeoutMS: checkkit.TimeoutMS(cfg.Timeout, 10), MaxBodyBytes: cfg.MaxBodyBytes,
		OmitHeaders: true} // only the body and status are read
	if req.MaxBodyBytes == 0 {
		req.MaxBodyBytes = maxBody
	}
	for k, v := range cfg.Headers {
		if req.Headers == nil {
			req.Headers = map[string][]string{}
		}
		req.Headers[k] = []string{v}
	}
	if cfg.TLSVerify != nil && !*cfg.TLSVerify {
		req.TLS = &sdk.TLS{InsecureSkipVerify: true}
	}
	resp, err := sdk.HTTP(req)
	if err != nil {
		return checkkit.HostErr(err, "GET %s", cfg.URL)
	}
	found := bytes.Contains(resp.Body, []byte(cfg.Keyword))
	if cfg.Regex {
		found = regexp.MustCompile(cfg.Keyword).Match(resp.Body)
	}
	// Only the kept part of a long body is searched; say so when it
	// decided an "absent" result.
	scope := ""
	if resp.Truncated {
		scope = fmt.Sprintf(" in the first %d bytes", len(resp.Body))
	}
	var out sdk.Output
	switch {
	case found && cfg.present():
		out = sdk.Healthy("%q found (status %d)", cfg.Keyword, resp.Status)
	case !found && !cfg.present():
		out = sdk.Healthy("%q absent%s (status %d)", cfg.Keyword, scope, resp.Status)
	case found:
		out = sdk.Failed("%q found, want it absent (status %d)", cfg.Keyword, resp.Status)
	default:
		out = sdk.Failed("%q not found%s (status %d)", cfg.Keyword, scope, resp.Status)
	}
	return out.Metric("status", float64(resp.Status)).Metric("total_ms", resp.Timing.TotalMS)
}
