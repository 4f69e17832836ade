package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/runbookhq/runbook/engine"
)

// PagerDuty v3 webhooks: {"event": {"event_type": "incident.triggered",
// "resource_type": "incident", "data": {"title": ..., "status": ...}}}.
// Signed with X-PagerDuty-Signature: "v1=<hex HMAC-SHA256 of the body>",
// several comma-separated while a secret is being rotated.
type pagerDutyPayload struct {
	Event *struct {
		ID           string `json:"id"`
		EventType    string `json:"event_type"`
		ResourceType string `json:"resource_type"`
		Data         struct {
			Title   string `json:"title"`
			Summary string `json:"summary"`
			Number  int    `json:"number"`
			Status  string `json:"status"`
		} `json:"data"`
	} `json:"event"`
}

func verifyPagerDuty(r hookRequest) error {
	secret := r.Secrets.PagerDutySecret
	if secret == "" {
		return nil // not configured: the URL token authenticates
	}
	return checkPagerDutySignature(r.Body, r.Header("X-PagerDuty-Signature"), secret)
}

func checkPagerDutySignature(body []byte, header, secret string) error {
	if header == "" {
		return badSignature("X-PagerDuty-Signature", "missing; this monitor has a PagerDuty signing secret")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	want := "v1=" + hex.EncodeToString(mac.Sum(nil))
	for _, sig := range strings.Split(header, ",") {
		if hmac.Equal([]byte(strings.TrimSpace(sig)), []byte(want)) {
			return nil
		}
	}
	return badSignature("X-PagerDuty-Signature", "does not match the body signed with this monitor's secret")
}

func parsePagerDuty(body []byte) (verdict, error) {
	if len(body) > maxHookBody {
		return verdict{}, badPayload("body", "payload larger than %d bytes", maxHookBody)
	}
	var p pagerDutyPayload
	if err := json.Unmarshal(body, &p); err != nil {
		return verdict{}, badPayload("body", "PagerDuty payload is not JSON: %v", err)
	}
	if p.Event == nil || p.Event.EventType == "" {
		return verdict{}, badPayload("event.event_type", "missing: not a PagerDuty v3 webhook")
	}
	e := p.Event
	msg := firstNonEmpty(e.Data.Title, e.Data.Summary, e.EventType)
	switch e.EventType {
	case "incident.triggered", "incident.reopened", "incident.unacknowledged":
		return verdict{Status: engine.StatusFailed, Message: truncate(e.EventType+": "+msg, 500)}, nil
	case "incident.resolved":
		return verdict{Status: engine.StatusHealthy, Message: truncate(e.EventType+": "+msg, 500)}, nil
	case "pagey.ping":
		return verdict{Ignore: true, Message: "ping received"}, nil
	}
	return verdict{Ignore: true, Message: e.EventType + " does not change health"}, nil
}
