package main

import (
	"fmt"
	"net/textproto"
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
)

// Config is the reaction's config object; see schema in main.go.
type Config struct {
	URL           string            `json:"url"`
	Method        string            `json:"method,omitempty"`
	Headers       map[string]string `json:"headers,omitempty"`
	SecretHeaders map[string]string `json:"secret_headers,omitempty"`
	Body          string            `json:"body,omitempty"`
	ContentType   string            `json:"content_type,omitempty"`
	ExpectStatus  []int             `json:"expect_status,omitempty"`
	Timeout       float64           `json:"timeout,omitempty"`
	TLSVerify     *bool             `json:"tls_verify,omitempty"`
}

// Validate runs before saving a reaction and before every run; it parses
// and test-renders the body template so a typo is refused when the user
// saves, not at 3 a.m. when the monitor fails.
func (c Config) Validate() error {
	var errs []error
	errs = append(errs, reactkit.BaseURL("url", c.URL))
	if c.Method != "" {
		errs = append(errs, reactkit.OneOf("method", c.Method, "GET", "POST", "PUT", "PATCH", "DELETE"))
	}
	for name := range c.Headers {
		errs = append(errs, headerName("headers."+name, name))
	}
	for name, secret := range c.SecretHeaders {
		errs = append(errs, headerName("secret_headers."+name, name))
		errs = append(errs, reactkit.Required("secret_headers."+name, secret))
	}
	if c.Body != "" {
		tmpl, err := parse(c.Body)
		if err != nil {
			errs = append(errs, fmt.Errorf("body: %w", err))
		} else if _, err := render(tmpl, sample); err != nil {
			errs = append(errs, err) // already "body: ..."
		}
	}
	for i, s := range c.ExpectStatus {
		if s < 100 || s > 599 {
			errs = append(errs, reactkit.Field(fmt.Sprintf("expect_status.%d", i), "%d is not an HTTP status", s))
		}
	}
	if c.Timeout < 0 {
		errs = append(errs, reactkit.Field("timeout", "must not be negative"))
	}
	return reactkit.Join(errs...)
}

// headerName refuses names net/http would reject or that the host sets.
func headerName(field, name string) error {
	if name == "" || strings.ContainsAny(name, " :\r\n\t") {
		return reactkit.Field(field, "%q is not a header name", name)
	}
	switch textproto.CanonicalMIMEHeaderKey(name) {
	case "Host", "Content-Length", "Transfer-Encoding", "Connection":
		return reactkit.Field(field, "%s is set by the host", name)
	}
	return nil
}

func (c Config) method() string {
	if c.Method == "" {
		return "POST"
	}
	return c.Method
}

// ok says whether status counts as success.
func (c Config) ok(status int) bool {
	if len(c.ExpectStatus) == 0 {
		return status >= 200 && status <= 299
	}
	for _, s := range c.ExpectStatus {
		if s == status {
			return true
		}
	}
	return false
}
