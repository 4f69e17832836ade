package main

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/sdk"
)

func token(ctx sdk.Context, cfg Config, a api) (string, error) {
	if cfg.Username == "" {
		return reactkit.Secret(ctx, "token_secret", reactkit.SecretName(cfg.TokenSecret, "salt_api_token"))
	}
	pw, err := reactkit.Secret(ctx, "password_secret", reactkit.SecretName(cfg.PasswordSecret, "salt_api_password"))
	if err != nil {
		return "", err
	}
	return a.login(cfg.Username, pw, orDefault(cfg.EAuth, "pam"))
}

func react(ctx sdk.Context, cfg Config) sdk.Output {
	a := newAPI(cfg)
	tok, err := token(ctx, cfg, a)
	if err != nil {
		return sdk.Failed("salt-api: %v", err)
	}
	ls := lowstate{Client: orDefault(cfg.Client, "local"), Tgt: cfg.Tgt, TgtType: orDefault(cfg.TgtType, "glob"), Fun: cfg.Fun, Arg: cfg.Arg}
	ret, err := a.run(tok, ls)
	if err != nil {
		return sdk.Failed("salt-api %s on %s: %v", cfg.Fun, cfg.Tgt, err)
	}
	if ls.Client == "local_async" {
		return async(cfg, ret)
	}
	return judge(cfg, ret)
}

// async reports the job id: the reaction's job is to start the job.
func async(cfg Config, ret json.RawMessage) sdk.Output {
	var job struct {
		JID     string   `json:"jid"`
		Minions []string `json:"minions"`
	}
	if err := json.Unmarshal(ret, &job); err != nil || job.JID == "" {
		return sdk.Failed("salt-api %s on %s: no job id in the answer", cfg.Fun, cfg.Tgt)
	}
	if len(job.Minions) == 0 {
		return sdk.Failed("salt-api %s on %s: job %s matched no minion", cfg.Fun, cfg.Tgt, job.JID)
	}
	return sdk.OK("salt-api %s on %s: job %s started on %s", cfg.Fun, cfg.Tgt, job.JID, strings.Join(job.Minions, ", "))
}

// judge reads a local client's {minion: result} map. No minion, a false
// result or "Minion did not return" is a failed reaction: the restart
// (or whatever fun was) did not happen everywhere it should have.
func judge(cfg Config, ret json.RawMessage) sdk.Output {
	var byMinion map[string]json.RawMessage
	if err := json.Unmarshal(ret, &byMinion); err != nil {
		return sdk.Failed("salt-api %s on %s: unexpected answer: %s", cfg.Fun, cfg.Tgt, reactkit.Shorten(string(ret)))
	}
	if len(byMinion) == 0 {
		return sdk.Failed("salt-api %s on %s: no minion matched", cfg.Fun, cfg.Tgt)
	}
	var good, bad []string
	for m, r := range byMinion {
		var s string
		if string(r) == "false" || (json.Unmarshal(r, &s) == nil && strings.HasPrefix(s, "Minion did not return")) {
			bad = append(bad, m)
		} else {
			good = append(good, m)
		}
	}
	sort.Strings(good)
	sort.Strings(bad)
	if len(bad) > 0 {
		return sdk.Failed("salt-api %s on %s: failed or no answer on %s (ok on %d)", cfg.Fun, cfg.Tgt, strings.Join(bad, ", "), len(good))
	}
	return sdk.OK("salt-api %s on %s: ok on %s", cfg.Fun, cfg.Tgt, strings.Join(good, ", "))
}
