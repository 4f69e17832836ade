package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// Slack slash commands and outgoing webhooks post a form (token, team_id,
// channel_name, user_name, command or trigger_word, text...). The text
// says what to record: "/runbook failed db is down" or "healthy".
// Slack signs with X-Slack-Signature: "v0=" + hex HMAC-SHA256 of
// "v0:<X-Slack-Request-Timestamp>:<body>"; older apps send a verification
// token in the form instead. Both are checked when configured.

const slackMaxSkew = 5 * time.Minute

func verifySlack(r hookRequest) error {
	if secret := r.Secrets.SlackSigningSecret; secret != "" {
		if err := checkSlackSignature(r.Body, r.Header("X-Slack-Request-Timestamp"), r.Header("X-Slack-Signature"), secret, r.Now); err != nil {
			return err
		}
	}
	if tok := r.Secrets.SlackToken; tok != "" {
		got := parseFormLoose(r.Body)["token"]
		if subtle.ConstantTimeCompare([]byte(got), []byte(tok)) != 1 {
			return badSignature("token", "does not match this monitor's Slack verification token")
		}
	}
	return nil
}

func checkSlackSignature(body []byte, ts, sig, secret string, now time.Time) error {
	if ts == "" || sig == "" {
		return badSignature("X-Slack-Signature", "missing; this monitor has a Slack signing secret")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return badSignature("X-Slack-Request-Timestamp", "is not a Unix time")
	}
	// An old signed request replayed later is refused.
	if d := now.Sub(time.Unix(sec, 0)); d > slackMaxSkew || d < -slackMaxSkew {
		return badSignature("X-Slack-Request-Timestamp", "is more than 5 minutes away from now")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	want := "v0=" + hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return badSignature("X-Slack-Signature", "does not match the body signed with this monitor's signing secret")
	}
	return nil
}

var (
	slackFailed  = map[string]bool{"failed": true, "fail": true, "down": true, "failing": true, "critical": true}
	slackHealthy = map[string]bool{"healthy": true, "ok": true, "up": true, "resolved": true, "recovered": true}
)

func parseSlack(body []byte, contentType string) (verdict, error) {
	if len(body) > maxHookBody {
		return verdict{}, badPayload("body", "payload larger than %d bytes", maxHookBody)
	}
	if !isForm(contentType) {
		return verdict{}, badPayload("body", "Slack sends application/x-www-form-urlencoded, not %q", contentType)
	}
	f := parseFormLoose(body)
	text := strings.TrimSpace(f["text"])
	if tw := f["trigger_word"]; tw != "" {
		text = strings.TrimSpace(strings.TrimPrefix(text, tw))
	}
	word, rest, _ := strings.Cut(text, " ")
	word = strings.ToLower(strings.Trim(word, ".,:!"))
	who := firstNonEmpty(f["user_name"], f["user_id"], "someone")
	msg := strings.TrimSpace(rest)
	if msg == "" {
		msg = "marked " + word
	}
	msg = "by " + who + ": " + msg
	switch {
	case slackFailed[word]:
		return verdict{Status: engine.StatusFailed, Message: truncate(msg, 500)}, nil
	case slackHealthy[word]:
		return verdict{Status: engine.StatusHealthy, Message: truncate(msg, 500)}, nil
	}
	return verdict{}, badPayload("text", "must start with failed or healthy (or down/up), not %q", word)
}
