package main

import (
	"net/netip"
	"regexp"
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
)

// Config is the reaction's config object; see schema in main.go.
type Config struct {
	APIURL           string  `json:"api_url"`
	TokenSecret      string  `json:"token_secret,omitempty"`
	ZoneID           string  `json:"zone_id"`
	RecordName       string  `json:"record_name"`
	RecordType       string  `json:"record_type,omitempty"`
	FailingIP        string  `json:"failing_ip"`
	StandbyIP        string  `json:"standby_ip,omitempty"`
	RestoreOnHealthy *bool   `json:"restore_on_healthy,omitempty"`
	TTL              int     `json:"ttl,omitempty"`
	Proxied          bool    `json:"proxied,omitempty"`
	Timeout          float64 `json:"timeout,omitempty"`
}

var (
	zoneRE = regexp.MustCompile(`^[0-9a-f]{32}$`)
	nameRE = regexp.MustCompile(`^([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)+[A-Za-z]{2,63}$`)
)

// Validate runs before saving a reaction and before every run.
func (c Config) Validate() error {
	var errs []error
	errs = append(errs, reactkit.BaseURL("api_url", c.APIURL))
	if !zoneRE.MatchString(c.ZoneID) {
		errs = append(errs, reactkit.Field("zone_id", "want the zone's 32-hex-digit id"))
	}
	if !nameRE.MatchString(strings.TrimSuffix(c.RecordName, ".")) {
		errs = append(errs, reactkit.Field("record_name", "want a fully qualified name such as www.example.com, got %q", c.RecordName))
	}
	if c.RecordType != "" {
		errs = append(errs, reactkit.OneOf("record_type", c.RecordType, "A", "AAAA"))
	}
	errs = append(errs, c.checkIP("failing_ip", c.FailingIP, true))
	errs = append(errs, c.checkIP("standby_ip", c.StandbyIP, false))
	if c.StandbyIP != "" && c.StandbyIP == c.FailingIP {
		errs = append(errs, reactkit.Field("standby_ip", "is the same as failing_ip"))
	}
	if c.TTL < 0 {
		errs = append(errs, reactkit.Field("ttl", "must not be negative"))
	}
	if c.Timeout < 0 {
		errs = append(errs, reactkit.Field("timeout", "must not be negative"))
	}
	return reactkit.Join(errs...)
}

// checkIP wants an address of the record type's family.
func (c Config) checkIP(field, v string, required bool) error {
	if v == "" {
		if required {
			return reactkit.Field(field, "required")
		}
		return nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return reactkit.Field(field, "%q is not an IP address", v)
	}
	if c.recordType() == "A" && !a.Is4() {
		return reactkit.Field(field, "%s is not an IPv4 address (record_type A)", v)
	}
	if c.recordType() == "AAAA" && (!a.Is6() || a.Is4In6()) {
		return reactkit.Field(field, "%s is not an IPv6 address (record_type AAAA)", v)
	}
	return nil
}

func (c Config) recordType() string {
	if c.RecordType == "" {
		return "A"
	}
	return c.RecordType
}

func (c Config) restore() bool { return c.RestoreOnHealthy == nil || *c.RestoreOnHealthy }

func (c Config) ttl() int {
	if c.TTL == 0 {
		return 1
	}
	return c.TTL
}
