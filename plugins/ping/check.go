package main

import (
	"fmt"

	"github.com/runbookhq/runbook/plugins/internal/checkkit"
	"github.com/runbookhq/runbook/sdk"
)

// Config is the monitor's config object; see schema in main.go.
type Config struct {
	Host    string  `json:"host"`
	Count   int     `json:"count,omitempty"`
	Timeout float64 `json:"timeout,omitempty"`
}

// Validate runs before saving a monitor and before every check.
func (c Config) Validate() error {
	if err := checkkit.CheckHost(c.Host); err != nil {
		return err
	}
	if c.Count < 0 || c.Count > 10 {
		return fmt.Errorf("count: %d: want 1 to 10", c.Count)
	}
	return checkkit.CheckTimeout(c.Timeout)
}

func check(_ sdk.Context, cfg Config) sdk.Output {
	count := cfg.Count
	if count == 0 {
		count = 3
	}
	resp, err := sdk.Ping(sdk.PingRequest{Host: cfg.Host, Count: count, TimeoutMS: checkkit.TimeoutMS(cfg.Timeout, 5)})
	if err != nil {
		// "unsupported" (the OS forbids ICMP) becomes unknown with the
		// host's reason: the target's health is not known.
		return checkkit.HostErr(err, "ping %s", cfg.Host)
	}
	loss := 100 * float64(resp.Sent-resp.Received) / float64(max(resp.Sent, 1))
	out := sdk.Healthy("%d/%d echoes answered by %s, avg %.2f ms", resp.Received, resp.Sent, resp.Addr, resp.AvgMS)
	if resp.Received == 0 {
		out = sdk.Failed("no answer from %s to %d echoes", resp.Addr, resp.Sent)
	}
	return out.Metric("loss_percent", loss).Metric("avg_ms", resp.AvgMS).Metric("max_ms", resp.MaxMS)
}
