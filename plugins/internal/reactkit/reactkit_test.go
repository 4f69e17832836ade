package reactkit

import (
	"errors"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/sdk"
)

func TestJSONMessage(t *testing.T) {
	for body, want := range map[string]string{
		`{"id":"not_found","message":"Couldn't find that app."}`:                                           "Couldn't find that app.",
		`{"success":false,"errors":[{"code":7003,"message":"Could not route"}]}`:                           "Could not route",
		`{"errors":[{"reason":"Config not found","field":"config_id"}]}`:                                   "config_id: Config not found",
		`{"status":"invalid event","message":"Event object is invalid","errors":["routing_key is wrong"]}`: "Event object is invalid; routing_key is wrong",
		`{"status":401,"return":"Please log in"}`:                                                          "Please log in",
		"no_service\n":       "no_service",
		`{"unrelated":true}`: `{"unrelated":true}`,
	} {
		if got := JSONMessage([]byte(body)); got != want {
			t.Errorf("JSONMessage(%s) = %q, want %q", body, got, want)
		}
	}
	long := strings.Repeat("é", 400)
	if got := Shorten(long); len(got) > maxMessage+len("…") || !strings.HasSuffix(got, "…") {
		t.Errorf("Shorten: %d bytes", len(got))
	}
}

func TestScrubKeepsTheErrorAndHidesTheQuery(t *testing.T) {
	base := errors.New("failed: POST https://x.example/hook?token=abc: refused")
	err := Scrub(base, "https://x.example/hook?token=abc")
	if strings.Contains(err.Error(), "abc") || !errors.Is(err, base) {
		t.Errorf("Scrub: %v (is base: %v)", err, errors.Is(err, base))
	}
	if Scrub(base, "https://x.example/hook") != base {
		t.Error("Scrub changed an error with no query to hide")
	}
}

func TestSecretNeverQuotesValues(t *testing.T) {
	ctx := sdk.Context{Secrets: map[string]string{"a": "value-1"}}
	if v, err := Secret(ctx, "a_secret", "a"); err != nil || v != "value-1" {
		t.Fatalf("got %q, %v", v, err)
	}
	_, err := Secret(ctx, "b_secret", SecretName("", "b"))
	if err == nil || !strings.HasPrefix(err.Error(), "b_secret: ") || strings.Contains(err.Error(), "value-1") {
		t.Errorf("err %v", err)
	}
}

func TestFieldChecks(t *testing.T) {
	for _, c := range []struct {
		err   error
		field string
	}{
		{BaseURL("api_url", ""), "api_url"},
		{BaseURL("api_url", "example.com"), "api_url"},
		{BaseURL("api_url", "https://user:pw@example.com"), "api_url"},
		{OneOf("action", "x", "a", "b"), "action"},
		{Required("tgt", "  "), "tgt"},
	} {
		if c.err == nil || !strings.HasPrefix(c.err.Error(), c.field+": ") {
			t.Errorf("%v: want an error naming %s", c.err, c.field)
		}
	}
	if err := BaseURL("api_url", "https://api.example.com"); err != nil {
		t.Error(err)
	}
}
