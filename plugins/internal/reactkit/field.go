package reactkit

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Field is a config error that starts with the field's name. The SDK
// reports a Validate error as one message for the whole object, so the
// name has to be in the text for the web to show where the problem is.
func Field(field, format string, args ...any) error {
	return fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...))
}

// Required fails when v is empty (after trimming spaces).
func Required(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return Field(field, "required")
	}
	return nil
}

// BaseURL checks an absolute http(s) URL. Providers are reached over
// https in production; http is allowed because tests and self-hosted
// gateways (salt-api behind a local proxy) use it.
func BaseURL(field, v string) error {
	if v == "" {
		return Field(field, "required")
	}
	u, err := url.Parse(v)
	if err != nil {
		return fmt.Errorf("%s: %w", field, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Field(field, "want an absolute http:// or https:// URL, got %q", v)
	}
	if u.User != nil {
		// Credentials in a URL end up in logs and error messages.
		return Field(field, "must not carry user:password; use the secret fields")
	}
	return nil
}

// OneOf fails unless v is one of allowed.
func OneOf(field, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return Field(field, "%q is not one of %s", v, strings.Join(allowed, ", "))
}

// Join collects several field errors into one, in order.
func Join(errs ...error) error { return errors.Join(errs...) }
