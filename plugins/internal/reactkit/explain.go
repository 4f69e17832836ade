package reactkit

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// maxMessage bounds a provider message quoted in a reaction result.
const maxMessage = 500

// JSONMessage reads the error message out of the JSON shapes the
// providers here use:
//
//	{"message": "..."}                             DigitalOcean, Heroku, Twilio
//	{"errors": [{"code": 7003, "message": "..."}]} Cloudflare
//	{"errors": [{"reason": "...", "field": "x"}]}  Linode
//	{"message": "...", "errors": ["..."]}          PagerDuty
//	{"error": "..."} / {"return": "..."}            many, salt-api
//
// Anything else (plain text, HTML) is quoted trimmed and shortened.
func JSONMessage(body []byte) string {
	var doc map[string]any
	if json.Unmarshal(body, &doc) != nil {
		return Shorten(string(body))
	}
	var parts []string
	for _, k := range []string{"message", "error", "error_description", "detail", "return"} {
		parts = append(parts, texts(doc[k])...)
	}
	parts = append(parts, texts(doc["errors"])...)
	if len(parts) == 0 {
		return Shorten(string(body))
	}
	return Shorten(strings.Join(dedupe(parts), "; "))
}

// texts flattens a message value: a string, an object with a message or
// reason (and maybe a field), or a list of those.
func texts(v any) []string {
	switch x := v.(type) {
	case string:
		if s := strings.TrimSpace(x); s != "" {
			return []string{s}
		}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, texts(e)...)
		}
		return out
	case map[string]any:
		msg := firstString(x, "message", "reason", "detail", "error")
		if msg == "" {
			return nil
		}
		if f := firstString(x, "field"); f != "" {
			msg = f + ": " + msg
		}
		return []string{msg}
	}
	return nil
}

func firstString(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := m[k].(string); ok && strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// Shorten trims s and cuts it to maxMessage bytes on a rune boundary.
func Shorten(s string) string {
	s = strings.TrimSpace(s)
	if len(s) <= maxMessage {
		return s
	}
	cut := maxMessage
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
