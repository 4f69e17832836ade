package main

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/runbookhq/runbook/plugins/internal/checkkit"
	"github.com/runbookhq/runbook/sdk"
)

// Config is the monitor's config object; see schema in main.go.
type Config struct {
	Host        string  `json:"host"`
	Port        int     `json:"port"`
	Timeout     float64 `json:"timeout,omitempty"`
	Send        string  `json:"send,omitempty"`
	Expect      string  `json:"expect,omitempty"`
	ExpectRegex bool    `json:"expect_regex,omitempty"`
}

// Validate runs before saving a monitor and before every check.
func (c Config) Validate() error {
	if err := checkkit.CheckHost(c.Host); err != nil {
		return err
	}
	if c.Port == 0 {
		return errors.New("port: required")
	}
	if err := checkkit.CheckPort(c.Port); err != nil {
		return err
	}
	if c.ExpectRegex {
		if _, err := regexp.Compile(c.Expect); err != nil {
			return fmt.Errorf("expect: %w", err)
		}
	}
	return checkkit.CheckTimeout(c.Timeout)
}

func check(_ sdk.Context, cfg Config) sdk.Output {
	addr := checkkit.Addr(cfg.Host, cfg.Port, 0)
	resp, err := sdk.TCP(sdk.TCPRequest{
		Address:     addr,
		TimeoutMS:   checkkit.TimeoutMS(cfg.Timeout, 10),
		Send:        []byte(cfg.Send),
		Expect:      cfg.Expect,
		ExpectRegex: cfg.ExpectRegex,
	})
	if err != nil {
		return checkkit.HostErr(err, "connect %s", addr)
	}
	out := sdk.Healthy("%s open (%.1f ms)", addr, resp.Timing.ConnectMS)
	if cfg.Expect != "" && !resp.Matched {
		out = sdk.Failed("%s: reply %q does not contain %q", addr, short(resp.Reply), cfg.Expect)
	}
	return out.Metric("connect_ms", resp.Timing.ConnectMS).Metric("total_ms", resp.Timing.TotalMS)
}

// short quotes at most 200 bytes of a reply in a message.
func short(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}
