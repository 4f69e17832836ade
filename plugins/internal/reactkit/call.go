package reactkit

import (
	"fmt"
	"strings"

	"github.com/runbookhq/runbook/sdk"
)

// DefaultMaxBody caps the response kept when a request sets no cap:
// enough for every answer these reactions read (a page of DNS records,
// an error document), small enough not to matter per call.
const DefaultMaxBody = 64 << 10

// ProviderError is a provider's non-2xx answer. Message is what the
// provider said, so the reaction log tells the user what to fix.
type ProviderError struct {
	Status  int
	Message string
}

func (e *ProviderError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("status %d", e.Status)
	}
	return fmt.Sprintf("status %d: %s", e.Status, e.Message)
}

// Explain turns an error response body into a message; nil means
// JSONMessage.
type Explain func(body []byte) string

// Send performs req through the host's http capability. A non-2xx status
// is a *ProviderError carrying the provider's own message (read by
// explain); a transport failure or denial is the host's error, wrapped.
func Send(req sdk.HTTPRequest, explain Explain) (*sdk.HTTPResponse, error) {
	if req.MaxBodyBytes == 0 {
		req.MaxBodyBytes = DefaultMaxBody
	}
	if req.Headers == nil {
		req.Headers = map[string][]string{}
	}
	if _, ok := req.Headers["User-Agent"]; !ok {
		req.Headers["User-Agent"] = []string{"runbook-reaction/0.1"}
	}
	resp, err := sdk.HTTP(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.Method, Redact(req.URL), Scrub(err, req.URL))
	}
	if resp.Status < 200 || resp.Status > 299 {
		if explain == nil {
			explain = JSONMessage
		}
		return resp, fmt.Errorf("%s %s: %w", req.Method, Redact(req.URL), &ProviderError{Status: resp.Status, Message: explain(resp.Body)})
	}
	return resp, nil
}

// Redact drops a URL's query string from messages: some providers (and
// users of http-template) put tokens there.
func Redact(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		return u[:i]
	}
	return u
}

// Scrub hides secret in err's text (the host quotes the URL it was asked
// for, query string and all) and keeps err for errors.Is/As.
func Scrub(err error, rawURL string) error {
	red := Redact(rawURL)
	if err == nil || red == rawURL || !strings.Contains(err.Error(), rawURL) {
		return err
	}
	return scrubbed{err: err, msg: strings.ReplaceAll(err.Error(), rawURL, red+"?…")}
}

type scrubbed struct {
	err error
	msg string
}

func (s scrubbed) Error() string { return s.msg }
func (s scrubbed) Unwrap() error { return s.err }
