package web

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/runbookhq/runbook/engine"
)

// Datadog sends a payload its user templates from variables
// ($ALERT_TRANSITION, $EVENT_TITLE, $ALERT_TITLE...). The default template
// has "title" ($EVENT_TITLE, e.g. "[Triggered] CPU high on web-1") and
// "body"; templates written for Runbook often add "alert_transition". Both
// are read, the explicit transition first.
type datadogPayload struct {
	Transition string `json:"alert_transition"`
	Title      string `json:"title"`
	AlertTitle string `json:"alert_title"`
	Body       string `json:"body"`
	ID         string `json:"id"`
}

// The title starts "[Triggered]" or "[Triggered on {host:web-1}]".
var datadogPrefix = regexp.MustCompile(`^\s*\[([A-Za-z][A-Za-z -]*?)(?: on [^\]]*)?\]`)

func parseDatadog(body []byte, contentType string) (verdict, error) {
	if len(body) > maxHookBody {
		return verdict{}, badPayload("body", "payload larger than %d bytes", maxHookBody)
	}
	// "Encode as form" sends the JSON template's fields as form values.
	var p datadogPayload
	if isForm(contentType) {
		vals := parseFormLoose(body)
		p = datadogPayload{Transition: vals["alert_transition"], Title: vals["title"], AlertTitle: vals["alert_title"], Body: vals["body"]}
	} else if err := json.Unmarshal(body, &p); err != nil {
		return verdict{}, badPayload("body", "Datadog payload is not JSON: %v", err)
	}
	transition := p.Transition
	title := firstNonEmpty(p.Title, p.AlertTitle)
	if transition == "" {
		if m := datadogPrefix.FindStringSubmatch(title); m != nil {
			transition = m[1]
		}
	}
	msg := firstNonEmpty(title, p.Body, "Datadog alert")
	switch strings.ToLower(strings.TrimSpace(transition)) {
	case "triggered", "re-triggered", "no data", "re-no data", "renotify":
		return verdict{Status: engine.StatusFailed, Message: truncate(msg, 500)}, nil
	case "recovered":
		return verdict{Status: engine.StatusHealthy, Message: truncate(msg, 500)}, nil
	case "warn", "re-warn", "":
		if transition == "" {
			return verdict{}, badPayload("alert_transition", "no alert transition: send $ALERT_TRANSITION as alert_transition, or $EVENT_TITLE as title")
		}
		return verdict{Ignore: true, Message: "warnings do not change health"}, nil
	}
	return verdict{Ignore: true, Message: "transition " + transition + " does not change health"}, nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
