package main

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/checkkit"
	"github.com/runbookhq/runbook/sdk"
)

// Config is the monitor's config object; see schema in main.go.
type Config struct {
	URL             string            `json:"url"`
	Method          string            `json:"method,omitempty"`
	Payload         string            `json:"payload,omitempty"`
	ContentType     string            `json:"content_type,omitempty"`
	Headers         map[string]string `json:"headers,omitempty"`
	Codes           []int             `json:"codes,omitempty"`
	BodyRegex       string            `json:"body_regex,omitempty"`
	ExpectedHeaders map[string]string `json:"expected_headers,omitempty"`
	Host            string            `json:"host,omitempty"`
	Timeout         float64           `json:"timeout,omitempty"`
	TLSVerify       *bool             `json:"tls_verify,omitempty"`
}

// Validate runs before saving a monitor and before every check.
func (c Config) Validate() error {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("url: want an absolute http:// or https:// URL")
	}
	for _, code := range c.Codes {
		if code < 100 || code > 599 {
			return fmt.Errorf("codes: %d is not an HTTP status", code)
		}
	}
	if _, err := regexp.Compile(c.BodyRegex); err != nil {
		return fmt.Errorf("body_regex: %w", err)
	}
	for k, v := range c.ExpectedHeaders {
		if _, err := regexp.Compile(v); err != nil {
			return fmt.Errorf("expected_headers[%s]: %w", k, err)
		}
	}
	return checkkit.CheckTimeout(c.Timeout)
}

func (c Config) method() string {
	if c.Method == "" {
		return http.MethodPost
	}
	return strings.ToUpper(c.Method)
}

func check(_ sdk.Context, cfg Config) sdk.Output {
	req := sdk.HTTPRequest{Method: cfg.method(), URL: cfg.URL, Host: cfg.Host, Body: []byte(cfg.Payload),
		TimeoutMS: checkkit.TimeoutMS(cfg.Timeout, 10), Headers: map[string][]string{}}
	// The body is only read when a regex looks at it.
	req.MaxBodyBytes = 1
	if cfg.BodyRegex != "" {
		req.MaxBodyBytes = 1 << 20
	}
	ct := cfg.ContentType
	if ct == "" {
		ct = "application/json"
	}
	req.Headers["Content-Type"] = []string{ct}
	for k, v := range cfg.Headers {
		req.Headers[k] = []string{v}
	}
	if cfg.TLSVerify != nil && !*cfg.TLSVerify {
		req.TLS = &sdk.TLS{InsecureSkipVerify: true}
	}
	resp, err := sdk.HTTP(req)
	if err != nil {
		return checkkit.HostErr(err, "%s %s", cfg.method(), cfg.URL)
	}
	return judge(cfg, resp).Metric("status", float64(resp.Status)).Metric("total_ms", resp.Timing.TotalMS)
}

// judge reports every unmet expectation, not only the first.
func judge(cfg Config, resp *sdk.HTTPResponse) sdk.Output {
	codes := cfg.Codes
	if len(codes) == 0 {
		codes = []int{200}
	}
	var problems []string
	if !slices.Contains(codes, resp.Status) {
		problems = append(problems, fmt.Sprintf("status %d, want one of %v", resp.Status, codes))
	}
	if cfg.BodyRegex != "" && !regexp.MustCompile(cfg.BodyRegex).Match(resp.Body) {
		problems = append(problems, fmt.Sprintf("body does not match %q", cfg.BodyRegex))
	}
	names := make([]string, 0, len(cfg.ExpectedHeaders))
	for k := range cfg.ExpectedHeaders {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		re := regexp.MustCompile(cfg.ExpectedHeaders[k])
		vals := http.Header(resp.Headers).Values(k)
		if !slices.ContainsFunc(vals, re.MatchString) {
			problems = append(problems, fmt.Sprintf("header %s %q does not match %q", k, strings.Join(vals, ", "), cfg.ExpectedHeaders[k]))
		}
	}
	if len(problems) > 0 {
		return sdk.Failed("%s %s: %s", cfg.method(), cfg.URL, strings.Join(problems, "; "))
	}
	return sdk.Healthy("status %d", resp.Status)
}
