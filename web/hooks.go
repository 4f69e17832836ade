package web

import (
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// verdict is what a webhook payload says about its monitor. Ignore is set
// for payloads that say nothing about health (a PagerDuty "acknowledged",
// a Travis build that started): they are answered 202 and not recorded.
type verdict struct {
	Status  engine.Status
	Message string
	Ignore  bool
}

// hookRequest is what a provider sees of a request: enough to verify and
// parse it, and easy to build in tests and fuzzers.
type hookRequest struct {
	Body        []byte
	ContentType string
	Header      func(key string, defaultValue ...string) string
	Query       func(key string, defaultValue ...string) string
	Secrets     store.WebhookSecret
	TravisKeys  []string
	Now         time.Time
}

// provider is one sender's format. verify runs first and refuses what the
// sender did not sign; parse maps the payload to a verdict.
type provider struct {
	verify func(hookRequest) error
	parse  func(hookRequest) (verdict, error)
}

var providers = map[string]provider{
	"datadog":    {verify: noSignature, parse: func(r hookRequest) (verdict, error) { return parseDatadog(r.Body, r.ContentType) }},
	"pagerduty":  {verify: verifyPagerDuty, parse: func(r hookRequest) (verdict, error) { return parsePagerDuty(r.Body) }},
	"travis":     {verify: verifyTravis, parse: func(r hookRequest) (verdict, error) { return parseTravis(r.Body, r.ContentType) }},
	"papertrail": {verify: noSignature, parse: parsePapertrailRequest},
	"slack":      {verify: verifySlack, parse: func(r hookRequest) (verdict, error) { return parseSlack(r.Body, r.ContentType) }},
}

func providerNames() string {
	names := make([]string, 0, len(providers))
	for n := range providers {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// noSignature is for senders that do not sign (Datadog, Papertrail): the
// secret URL token is their only authentication.
func noSignature(hookRequest) error { return nil }

// maxHookBody bounds what a parser reads; fiber's BodyLimit bounds the
// request before that.
const maxHookBody = 256 << 10

// formField returns a form field's value when the body is form-encoded,
// and the body itself otherwise: Travis and Papertrail send JSON inside a
// "payload" form field.
func formField(body []byte, contentType, field string) ([]byte, bool) {
	if !isForm(contentType) {
		return body, false
	}
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, true
	}
	return []byte(vals.Get(field)), true
}

// generic payload: {"status": "healthy"|"failed", "message": "..."} as
// JSON or form fields.
type genericPayload struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

func parseGeneric(body []byte, contentType string) (verdict, error) {
	if len(body) > maxHookBody {
		return verdict{}, badPayload("body", "payload larger than %d bytes", maxHookBody)
	}
	var p genericPayload
	if isForm(contentType) {
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return verdict{}, badPayload("body", "form body does not parse: %v", err)
		}
		p.Status, p.Message = vals.Get("status"), vals.Get("message")
	} else if err := json.Unmarshal(body, &p); err != nil {
		return verdict{}, badPayload("body", `want JSON like {"status": "failed", "message": "..."}: %v`, err)
	}
	switch engine.Status(p.Status) {
	case engine.StatusHealthy, engine.StatusFailed:
	default:
		return verdict{}, badPayload("status", "must be healthy or failed, not %q", p.Status)
	}
	if p.Message == "" {
		p.Message = "webhook: " + p.Status
	}
	return verdict{Status: engine.Status(p.Status), Message: truncate(p.Message, 500)}, nil
}
