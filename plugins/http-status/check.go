package main

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/runbookhq/runbook/sdk"
)

// Config is the monitor's config object; see schema in main.go.
type Config struct {
	URL       string            `json:"url"`
	Method    string            `json:"method,omitempty"`
	Host      string            `json:"host,omitempty"`
	Headers   map[string]string `json:"headers,omitempty"`
	Codes     []int             `json:"codes,omitempty"`
	Timeout   float64           `json:"timeout,omitempty"`
	TLSVerify *bool             `json:"tls_verify,omitempty"`
}

// Validate runs before saving a monitor and before every check.
func (c Config) Validate() error {
	u, err := url.Parse(c.URL)
	if err != nil {
		return fmt.Errorf("url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return errors.New("url: want an absolute http:// or https:// URL")
	}
	if c.Timeout < 0 {
		return errors.New("timeout: must not be negative")
	}
	for _, code := range c.Codes {
		if code < 100 || code > 599 {
			return fmt.Errorf("codes: %d is not an HTTP status", code)
		}
	}
	return nil
}

// defaultCodes is shared, read-only: no slice per call.
var defaultCodes = []int{200}

func (c Config) codes() []int {
	if len(c.Codes) == 0 {
		return defaultCodes
	}
	return c.Codes
}

func (c Config) request() sdk.HTTPRequest {
	method := c.Method
	if method != "" { // most configs leave it out: no call on every check
		method = strings.ToUpper(method)
	}
	req := sdk.HTTPRequest{
		Method:       method,
		URL:          c.URL,
		Host:         c.Host,
		TimeoutMS:    int(c.Timeout * 1000),
		MaxBodyBytes: 1,    // the body is not looked at; don't ship it across
		OmitHeaders:  true, // nor the headers
	}
	if len(c.Headers) > 0 {
		req.Headers = c.headers()
	}
	if c.TLSVerify != nil && !*c.TLSVerify {
		req.TLS = &sdk.TLS{InsecureSkipVerify: true}
	}
	return req
}

//go:noinline
func (c Config) headers() map[string][]string {
	h := make(map[string][]string, len(c.Headers))
	for k, v := range c.Headers {
		h[k] = []string{v}
	}
	return h
}

func check(_ sdk.Context, cfg Config) sdk.Output {
	resp, err := sdk.HTTPValue(cfg.request())
	if err != nil {
		return cfg.requestFailed(err)
	}
	// No fmt and no heap object on the healthy path (the response is a
	// value, metrics stay inside the Output): in a wasm guest each costs
	// more than the rest of the check's own code (docs/PERFORMANCE.md,
	// "Plugin host").
	var out sdk.Output
	if slices.Contains(cfg.codes(), resp.Status) {
		out = sdk.Healthy(statusMessage(resp.Status))
	} else {
		out = cfg.unexpected(resp.Status)
	}
	return out.Metric("status", float64(resp.Status)).
		Metric("total_ms", resp.Timing.TotalMS).
		Metric("first_byte_ms", resp.Timing.FirstByteMS)
}

// requestFailed and unexpected are the unhealthy results, out of line:
// a healthy check's code stays small, and that code is fetched again
// after every network wait (docs/PERFORMANCE.md, "Plugin host", round 8).
//
//go:noinline
func (c Config) requestFailed(err error) sdk.Output {
	var he *sdk.HostError
	if errors.As(err, &he) && he.Code != "failed" {
		// Denied or malformed: says nothing about the target's health.
		return sdk.Unknown("%s %s: %v", c.methodName(), c.URL, err)
	}
	return sdk.Failed("%s %s: %v", c.methodName(), c.URL, err)
}

//go:noinline
func (c Config) unexpected(status int) sdk.Output {
	return sdk.Failed("%s %s: status %d, want one of %v", c.methodName(), c.URL, status, c.codes())
}

// statusMessage is "status NNN" with no string built for the usual
// healthy codes (and no atomics: calls, not instructions, in a wasm
// guest).
func statusMessage(status int) string {
	switch status {
	case 200:
		return "status 200"
	case 201:
		return "status 201"
	case 202:
		return "status 202"
	case 204:
		return "status 204"
	case 301:
		return "status 301"
	case 302:
		return "status 302"
	case 304:
		return "status 304"
	}
	return "status " + strconv.Itoa(status)
}

func (c Config) methodName() string {
	if c.Method == "" {
		return "GET"
	}
	return strings.ToUpper(c.Method)
}
