package sshcheck

import (
	"strings"
	"unicode/utf8"

	"github.com/runbookhq/runbook/plugins/internal/checkkit"
	"github.com/runbookhq/runbook/sdk"
)

// maxOutput is what we ask the host to keep of stdout and of stderr:
// enough for /proc/meminfo or a df line, small enough to cross the host
// boundary cheaply.
const maxOutput = 16 << 10

// Exec runs command on c and returns the finished command, whatever its
// exit status. When it could not run, it returns the check's verdict
// instead: unknown without a key (or when the host refused the call),
// failed when the server could not be reached or refused the login.
func Exec(ctx sdk.Context, c Conn, command string) (*sdk.SSHResponse, *sdk.Output) {
	req, err := c.request(ctx, command, maxOutput)
	if err != nil {
		out := sdk.Unknown("%v", err)
		return nil, &out
	}
	resp, err := sdk.SSH(req)
	if err != nil {
		out := checkkit.HostErr(err, "ssh %s", c.Where())
		return nil, &out
	}
	return resp, nil
}

// Stdout runs command like Exec and also makes a non-zero exit (or a
// signal) the verdict: failed, quoting stderr (or stdout) so the user
// sees why.
func Stdout(ctx sdk.Context, c Conn, command string) (string, *sdk.Output) {
	resp, verdict := Exec(ctx, c, command)
	if verdict != nil {
		return "", verdict
	}
	if resp.ExitSignal != "" || resp.ExitStatus != 0 {
		out := Failed(command, resp)
		return "", &out
	}
	return string(resp.Stdout), nil
}

// Failed is the verdict on a command that exited non-zero.
func Failed(command string, resp *sdk.SSHResponse) sdk.Output {
	why := Quote(resp.Stderr)
	if why == "" {
		why = Quote(resp.Stdout)
	}
	if resp.ExitSignal != "" {
		return sdk.Failed("%q killed by signal %s%s", command, resp.ExitSignal, colon(why)).Metric("exit_status", float64(resp.ExitStatus))
	}
	return sdk.Failed("%q exited %d%s", command, resp.ExitStatus, colon(why)).Metric("exit_status", float64(resp.ExitStatus))
}

// maxQuoted bounds command output quoted in a message.
const maxQuoted = 200

// Quote is output fit for a message: trimmed and at most maxQuoted bytes,
// cut on a rune boundary.
func Quote(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > maxQuoted {
		cut := maxQuoted
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func colon(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}
