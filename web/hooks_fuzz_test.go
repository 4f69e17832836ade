package web

import (
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// The fuzzers hold every parser to: no panic, and either an error or a
// verdict that is healthy, failed or ignored.

func checkVerdict(t *testing.T, v verdict, err error) {
	t.Helper()
	if err != nil {
		if _, ok := err.(*hookError); !ok {
			t.Fatalf("error of type %T: %v", err, err)
		}
		return
	}
	if !v.Ignore && v.Status != engine.StatusHealthy && v.Status != engine.StatusFailed {
		t.Fatalf("verdict status %q", v.Status)
	}
	if len(v.Message) > 600 {
		t.Fatalf("message of %d bytes escapes the cap", len(v.Message))
	}
}

func seed(f *testing.F, files ...string) {
	for _, name := range files {
		f.Add(fixture(f, name))
	}
	f.Add([]byte("{}"))
	f.Add([]byte(""))
	f.Add([]byte("null"))
}

func FuzzParseGeneric(f *testing.F) {
	f.Add([]byte(`{"status":"failed","message":"x"}`), "application/json")
	f.Add([]byte(`status=healthy&message=ok`), "application/x-www-form-urlencoded")
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		v, err := parseGeneric(body, ct)
		checkVerdict(t, v, err)
	})
}

func FuzzParseDatadog(f *testing.F) {
	seed(f, "datadog_triggered.json", "datadog_recovered.json", "datadog_nodata.json", "datadog_warn.json")
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := parseDatadog(body, "application/json")
		checkVerdict(t, v, err)
		v, err = parseDatadog(body, "application/x-www-form-urlencoded")
		checkVerdict(t, v, err)
	})
}

func FuzzParsePagerDuty(f *testing.F) {
	seed(f, "pagerduty_triggered.json", "pagerduty_resolved.json", "pagerduty_acknowledged.json")
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := parsePagerDuty(body)
		checkVerdict(t, v, err)
		// Signature checking never panics on any header either.
		_ = checkPagerDutySignature(body, string(body), "secret")
	})
}

func FuzzParseTravis(f *testing.F) {
	for _, name := range []string{"travis_broken.json", "travis_fixed.json", "travis_pending.json"} {
		f.Add([]byte(formEncode("payload", fixture(f, name))))
	}
	f.Add([]byte("payload=%7B%7D"))
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := parseTravis(body, "application/x-www-form-urlencoded")
		checkVerdict(t, v, err)
		_ = checkTravisSignature(body, string(body), nil)
	})
}

func FuzzParsePapertrail(f *testing.F) {
	for _, name := range []string{"papertrail_events.json", "papertrail_counts.json"} {
		f.Add([]byte(formEncode("payload", fixture(f, name))))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := parsePapertrail(body, "application/x-www-form-urlencoded")
		checkVerdict(t, v, err)
	})
}

func FuzzParseSlack(f *testing.F) {
	seed(f, "slack_slash_failed.txt", "slack_outgoing_healthy.txt")
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := parseSlack(body, "application/x-www-form-urlencoded")
		checkVerdict(t, v, err)
		_ = checkSlackSignature(body, "1", string(body), "s", time.Unix(1, 0))
	})
}
