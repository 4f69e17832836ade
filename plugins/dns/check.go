package main

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/checkkit"
	"github.com/runbookhq/runbook/sdk"
)

// Config is the monitor's config object; see schema in main.go.
type Config struct {
	Name     string   `json:"name"`
	Type     string   `json:"type,omitempty"`
	Expected []string `json:"expected,omitempty"`
	Resolver string   `json:"resolver,omitempty"`
	TCP      bool     `json:"tcp,omitempty"`
	Timeout  float64  `json:"timeout,omitempty"`
}

var types = []string{"A", "AAAA", "CNAME", "MX", "TXT", "NS", "SRV", "PTR", "SOA", "CAA"}

// Validate runs before saving a monitor and before every check.
func (c Config) Validate() error {
	if c.Name == "" || strings.ContainsAny(c.Name, " /:@") {
		return fmt.Errorf("name: %q: want a DNS name", c.Name)
	}
	if c.Type != "" && !slices.Contains(types, strings.ToUpper(c.Type)) {
		return fmt.Errorf("type: %q: want one of %s", c.Type, strings.Join(types, ", "))
	}
	if c.Resolver != "" {
		if _, _, err := net.SplitHostPort(c.Resolver); err != nil && strings.Count(c.Resolver, ":") == 1 {
			return fmt.Errorf("resolver: %q: want host or host:port", c.Resolver)
		}
	}
	if slices.Contains(c.Expected, "") {
		return errors.New("expected: empty value")
	}
	return checkkit.CheckTimeout(c.Timeout)
}

func (c Config) qtype() string {
	if c.Type == "" {
		return "A"
	}
	return strings.ToUpper(c.Type)
}

func check(_ sdk.Context, cfg Config) sdk.Output {
	resp, err := sdk.DNS(sdk.DNSRequest{Name: cfg.Name, Type: cfg.qtype(), Resolver: cfg.Resolver, TCP: cfg.TCP,
		TimeoutMS: checkkit.TimeoutMS(cfg.Timeout, 5)})
	if err != nil {
		return checkkit.HostErr(err, "%s %s", cfg.qtype(), cfg.Name)
	}
	var got []string
	for _, r := range resp.Records {
		got = append(got, r.Value)
	}
	out := judge(cfg, resp.Rcode, got)
	return out.Metric("rtt_ms", resp.RTTMS).Metric("records", float64(len(got)))
}

func judge(cfg Config, rcode string, got []string) sdk.Output {
	what := cfg.qtype() + " " + cfg.Name
	switch {
	case rcode != "NOERROR":
		return sdk.Failed("%s: %s", what, rcode)
	case len(got) == 0:
		return sdk.Failed("%s: no records", what)
	}
	var missing []string
	for _, want := range cfg.Expected {
		if !slices.ContainsFunc(got, func(v string) bool { return same(v, want) }) {
			missing = append(missing, want)
		}
	}
	if len(missing) > 0 {
		return sdk.Failed("%s: %s missing; got %s", what, strings.Join(missing, ", "), strings.Join(got, ", "))
	}
	return sdk.Healthy("%s: %s", what, strings.Join(got, ", "))
}

// same compares values as users write them: case-insensitive, with or
// without the root dot on names, and IP addresses in any notation.
func same(got, want string) bool {
	if a, b := net.ParseIP(got), net.ParseIP(want); a != nil && b != nil {
		return a.Equal(b)
	}
	norm := func(s string) string { return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".") }
	return norm(got) == norm(want)
}
