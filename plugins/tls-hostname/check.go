package main

import (
	"net"
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/checkkit"
	"github.com/runbookhq/runbook/sdk"
)

// Config is the monitor's config object; see schema in main.go.
type Config struct {
	Host     string  `json:"host"`
	Port     int     `json:"port,omitempty"`
	Expected string  `json:"expected,omitempty"`
	Timeout  float64 `json:"timeout,omitempty"`
}

// Validate runs before saving a monitor and before every check.
func (c Config) Validate() error {
	if err := checkkit.CheckHost(c.Host); err != nil {
		return err
	}
	if err := checkkit.CheckPort(c.Port); err != nil {
		return err
	}
	return checkkit.CheckTimeout(c.Timeout)
}

func (c Config) expected() string {
	if c.Expected != "" {
		return c.Expected
	}
	return c.Host
}

func check(_ sdk.Context, cfg Config) sdk.Output {
	addr := checkkit.Addr(cfg.Host, cfg.Port, 443)
	want := cfg.expected()
	resp, err := sdk.TLSHandshake(sdk.TLSRequest{Address: addr, ServerName: want, TimeoutMS: checkkit.TimeoutMS(cfg.Timeout, 10)})
	if err != nil {
		return checkkit.HostErr(err, "TLS %s", addr)
	}
	if len(resp.Chain) == 0 {
		return sdk.Failed("TLS %s: no certificate", addr)
	}
	leaf := resp.Chain[0]
	if covers(leaf, want) {
		return sdk.Healthy("certificate covers %s", want)
	}
	return sdk.Failed("certificate names %s; %s is not among them", names(leaf), want)
}

// covers matches name as TLS clients do (RFC 6125): IP SANs for an
// address, DNS SANs with a left-most wildcard label otherwise, and the CN
// only when the certificate has no SANs at all (legacy certificates;
// today's clients ignore the CN when SANs exist).
func covers(c sdk.Certificate, name string) bool {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	if ip := net.ParseIP(strings.Trim(name, "[]")); ip != nil {
		for _, s := range c.IPAddresses {
			if net.ParseIP(s).Equal(ip) {
				return true
			}
		}
		return false
	}
	if len(c.DNSNames) == 0 && len(c.IPAddresses) == 0 {
		return matchDNS(c.CommonName, name)
	}
	for _, p := range c.DNSNames {
		if matchDNS(p, name) {
			return true
		}
	}
	return false
}

// matchDNS matches one pattern; "*.a.example" covers "b.a.example" but
// not "a.example" or "c.b.a.example".
func matchDNS(pattern, name string) bool {
	pattern = strings.TrimSuffix(strings.ToLower(pattern), ".")
	if pattern == name {
		return true
	}
	rest, ok := strings.CutPrefix(pattern, "*.")
	if !ok {
		return false
	}
	label, parent, found := strings.Cut(name, ".")
	return found && label != "" && parent == rest
}

func names(c sdk.Certificate) string {
	all := append(append([]string{}, c.DNSNames...), c.IPAddresses...)
	if len(all) == 0 {
		return "CN=" + c.CommonName
	}
	return strings.Join(all, ", ")
}
