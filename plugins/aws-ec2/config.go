package main

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
)

// Config is the reaction's config object; see schema in main.go.
type Config struct {
	Endpoint              string   `json:"endpoint"`
	Region                string   `json:"region"`
	Action                string   `json:"action"`
	InstanceIDs           []string `json:"instance_ids"`
	Force                 bool     `json:"force,omitempty"`
	AccessKeyIDSecret     string   `json:"access_key_id_secret,omitempty"`
	SecretAccessKeySecret string   `json:"secret_access_key_secret,omitempty"`
	SessionTokenSecret    string   `json:"session_token_secret,omitempty"`
	Timeout               float64  `json:"timeout,omitempty"`
}

var (
	instanceRE = regexp.MustCompile(`^i-[0-9a-f]{8}([0-9a-f]{9})?$`)
	regionRE   = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	// ec2HostRE reads the region out of a standard regional endpoint.
	ec2HostRE = regexp.MustCompile(`^ec2\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$`)
)

// Validate runs before saving a reaction and before every run.
func (c Config) Validate() error {
	var errs []error
	errs = append(errs, reactkit.BaseURL("endpoint", c.Endpoint))
	if !regionRE.MatchString(c.Region) {
		errs = append(errs, reactkit.Field("region", "want a region name such as us-east-1, got %q", c.Region))
	} else if u, err := url.Parse(c.Endpoint); err == nil {
		// A mismatch signs for one region and calls another: AWS answers
		// with a signature error that does not say why.
		if m := ec2HostRE.FindStringSubmatch(strings.ToLower(u.Hostname())); m != nil && m[1] != c.Region {
			errs = append(errs, reactkit.Field("endpoint", "is in region %s but region is %s", m[1], c.Region))
		}
	}
	errs = append(errs, reactkit.OneOf("action", c.Action, "reboot", "start", "stop"))
	if len(c.InstanceIDs) == 0 {
		errs = append(errs, reactkit.Field("instance_ids", "required"))
	}
	for i, id := range c.InstanceIDs {
		if !instanceRE.MatchString(id) {
			errs = append(errs, reactkit.Field(fmt.Sprintf("instance_ids.%d", i), "want an instance id such as i-0123456789abcdef0, got %q", id))
		}
	}
	if c.Force && c.Action != "stop" {
		errs = append(errs, reactkit.Field("force", "applies to action stop only"))
	}
	if c.Timeout < 0 {
		errs = append(errs, reactkit.Field("timeout", "must not be negative"))
	}
	return reactkit.Join(errs...)
}
