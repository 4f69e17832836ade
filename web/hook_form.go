package web

import (
	"net/url"
	"strings"
)

// parseFormLoose reads a form body into its first value per key; a body
// that does not parse reads as empty, and the caller's checks of required
// fields report what is missing.
func parseFormLoose(body []byte) map[string]string {
	vals, _ := url.ParseQuery(string(body))
	out := make(map[string]string, len(vals))
	for k, v := range vals {
		if len(v) > 0 {
			out[k] = v[0]
		}
	}
	return out
}

func isForm(contentType string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(contentType)), "application/x-www-form-urlencoded")
}
