package sshreact

import (
	"strings"
	"unicode/utf8"

	"github.com/runbookhq/runbook/plugins/internal/checkkit"
	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/sdk"
)

// maxOutput is what we ask the host to keep of stdout and of stderr: more
// than a reaction message shows (maxQuoted), little enough to cross the
// host boundary cheaply.
const maxOutput = 8 << 10

// maxQuoted bounds the output quoted in a reaction's message.
const maxQuoted = 1000

// Run runs command on t as t.User with the private key from the secret
// t.KeySecret names, and judges it: ok on exit 0, failed otherwise.
// what names the action in the message ("systemctl restart nginx").
func Run(ctx sdk.Context, t Target, what, command string) sdk.Output {
	key, err := reactkit.Secret(ctx, "key_secret", t.keySecret())
	if err != nil {
		return sdk.Failed("%v", err)
	}
	var pass string
	if t.PassphraseSecret != "" {
		if pass, err = reactkit.Secret(ctx, "passphrase_secret", t.PassphraseSecret); err != nil {
			return sdk.Failed("%v", err)
		}
	}
	resp, err := sdk.SSH(sdk.SSHRequest{
		Address:        t.Addr(),
		User:           t.User,
		PrivateKey:     []byte(key),
		Passphrase:     pass,
		HostKey:        t.HostKey,
		Command:        command,
		MaxOutputBytes: maxOutput,
		TimeoutMS:      checkkit.TimeoutMS(t.Timeout, 30),
	})
	if err != nil {
		return sdk.Failed("%s: ssh %s@%s: %v", what, t.User, t.Addr(), err)
	}
	return Judge(what, resp).Metric("exit_status", float64(resp.ExitStatus)).Metric("total_ms", resp.TotalMS)
}

// Judge turns a finished command into the reaction's result. A failure
// quotes stderr (where programs say why), or stdout when stderr is empty.
func Judge(what string, resp *sdk.SSHResponse) sdk.Output {
	stdout, stderr := quoted(resp.Stdout, resp.StdoutTruncated), quoted(resp.Stderr, resp.StderrTruncated)
	switch {
	case resp.ExitSignal != "":
		return sdk.Failed("%s: killed by signal %s%s", what, resp.ExitSignal, colon(first(stderr, stdout)))
	case resp.ExitStatus != 0:
		return sdk.Failed("%s: exit %d%s", what, resp.ExitStatus, colon(first(stderr, stdout)))
	}
	return sdk.OK("%s: exit 0%s", what, colon(stdout))
}

// quoted is output fit for a message: trimmed and at most maxQuoted
// bytes (cut on a rune boundary), marked when we or the host cut it.
func quoted(b []byte, truncated bool) string {
	s := strings.TrimSpace(string(b))
	if len(s) > maxQuoted {
		cut := maxQuoted
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s, truncated = s[:cut], true
	}
	if truncated {
		s += " […]"
	}
	return s
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func colon(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}
