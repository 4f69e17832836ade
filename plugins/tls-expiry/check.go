package main

import (
	"fmt"
	"time"

	"github.com/runbookhq/runbook/plugins/internal/checkkit"
	"github.com/runbookhq/runbook/sdk"
)

// Config is the monitor's config object; see schema in main.go.
type Config struct {
	Host       string   `json:"host"`
	Port       int      `json:"port,omitempty"`
	Days       *float64 `json:"days,omitempty"`
	ServerName string   `json:"server_name,omitempty"`
	Timeout    float64  `json:"timeout,omitempty"`
}

// Validate runs before saving a monitor and before every check.
func (c Config) Validate() error {
	if err := checkkit.CheckHost(c.Host); err != nil {
		return err
	}
	if err := checkkit.CheckPort(c.Port); err != nil {
		return err
	}
	if c.Days != nil && (*c.Days < 0 || *c.Days > 3650) {
		return fmt.Errorf("days: %g: want 0 to 3650", *c.Days)
	}
	return checkkit.CheckTimeout(c.Timeout)
}

func (c Config) days() float64 {
	if c.Days == nil {
		return 7
	}
	return *c.Days
}

func check(_ sdk.Context, cfg Config) sdk.Output {
	addr := checkkit.Addr(cfg.Host, cfg.Port, 443)
	resp, err := sdk.TLSHandshake(sdk.TLSRequest{Address: addr, ServerName: cfg.ServerName, TimeoutMS: checkkit.TimeoutMS(cfg.Timeout, 10)})
	if err != nil {
		return checkkit.HostErr(err, "TLS %s", addr)
	}
	if len(resp.Chain) == 0 {
		return sdk.Failed("TLS %s: no certificate", addr)
	}
	return judge(resp.Chain, cfg.days(), time.Now())
}

// judge looks at every certificate sent, not only the leaf: an
// intermediate that expires first breaks the chain just the same.
func judge(chain []sdk.Certificate, days float64, now time.Time) sdk.Output {
	first := chain[0]
	for _, c := range chain[1:] {
		if c.NotAfter.Before(first.NotAfter) {
			first = c
		}
	}
	left := first.NotAfter.Sub(now).Hours() / 24
	name := first.CommonName
	if name == "" {
		name = first.Subject
	}
	var out sdk.Output
	switch {
	case left <= 0:
		out = sdk.Failed("certificate %q expired %s (%.1f days ago)", name, first.NotAfter.Format(time.RFC3339), -left)
	case left <= days:
		out = sdk.Failed("certificate %q expires %s, in %.1f days (limit %g)", name, first.NotAfter.Format(time.RFC3339), left, days)
	case chain[0].NotBefore.After(now):
		out = sdk.Failed("certificate %q is not valid before %s", chain[0].CommonName, chain[0].NotBefore.Format(time.RFC3339))
	default:
		out = sdk.Healthy("certificate %q expires %s, in %.0f days", name, first.NotAfter.Format(time.RFC3339), left)
	}
	return out.Metric("days_left", left)
}
