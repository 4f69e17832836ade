package main

import (
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/sdk"
)

func react(ctx sdk.Context, cfg Config) sdk.Output {
	token, err := reactkit.Secret(ctx, "token_secret", reactkit.SecretName(cfg.TokenSecret, "cloudflare_api_token"))
	if err != nil {
		return sdk.Failed("%v", err)
	}
	c := newClient(cfg, token)
	name := strings.TrimSuffix(cfg.RecordName, ".")
	records, err := c.list(cfg.recordType(), name)
	if err != nil {
		return sdk.Failed("list %s %s: %v", cfg.recordType(), name, err)
	}
	if reactkit.Healthy(ctx) {
		return restore(c, cfg, name, records)
	}
	return failover(c, cfg, name, records)
}

// failover takes failing_ip out of the name's records. The invariant the
// whole plugin exists for: the name never ends up with no record, since
// that turns a partial outage into a total one.
func failover(c client, cfg Config, name string, records []record) sdk.Output {
	var failing []record
	standbyPresent := false
	for _, r := range records {
		switch r.Content {
		case cfg.FailingIP:
			failing = append(failing, r)
		case cfg.StandbyIP:
			standbyPresent = cfg.StandbyIP != ""
		}
	}
	if len(failing) == 0 {
		return sdk.OK("%s %s: %s is not in its %d records; nothing to do", cfg.recordType(), name, cfg.FailingIP, len(records))
	}
	remaining := len(records) - len(failing)
	switch {
	case cfg.StandbyIP != "" && !standbyPresent:
		// Swap the first failing record for the standby, in place, so the
		// name always has an answer; drop any duplicates.
		if err := c.setContent(failing[0].ID, cfg.StandbyIP); err != nil {
			return sdk.Failed("replace %s with %s on %s: %v", cfg.FailingIP, cfg.StandbyIP, name, err)
		}
		if err := removeAll(c, failing[1:]); err != nil {
			return sdk.Failed("replaced %s with %s on %s, then: %v", cfg.FailingIP, cfg.StandbyIP, name, err)
		}
		return sdk.OK("%s %s: replaced %s with standby %s", cfg.recordType(), name, cfg.FailingIP, cfg.StandbyIP)
	case remaining == 0:
		return sdk.Failed("%s %s: refusing to remove %s, the last record of the name; set standby_ip to fail over to another address",
			cfg.recordType(), name, cfg.FailingIP)
	}
	if err := removeAll(c, failing); err != nil {
		return sdk.Failed("remove %s from %s: %v", cfg.FailingIP, name, err)
	}
	return sdk.OK("%s %s: removed %s, %d record(s) left", cfg.recordType(), name, cfg.FailingIP, remaining)
}

func removeAll(c client, rs []record) error {
	for _, r := range rs {
		if err := c.remove(r.ID); err != nil {
			return err
		}
	}
	return nil
}

// restore adds failing_ip back when the monitor recovers. A standby put
// in its place stays: removing a record is the risky direction, and which
// records serve once both are up is the operator's choice.
func restore(c client, cfg Config, name string, records []record) sdk.Output {
	if !cfg.restore() {
		return sdk.OK("%s %s: restore_on_healthy is off; records left as they are", cfg.recordType(), name)
	}
	for _, r := range records {
		if r.Content == cfg.FailingIP {
			return sdk.OK("%s %s: %s is already present", cfg.recordType(), name, cfg.FailingIP)
		}
	}
	r := record{Type: cfg.recordType(), Name: name, Content: cfg.FailingIP, TTL: cfg.ttl(), Proxied: cfg.Proxied}
	if err := c.create(r); err != nil {
		return sdk.Failed("restore %s on %s: %v", cfg.FailingIP, name, err)
	}
	return sdk.OK("%s %s: restored %s", cfg.recordType(), name, cfg.FailingIP)
}
