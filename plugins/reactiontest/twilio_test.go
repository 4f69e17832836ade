package reactiontest

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host/hosttest"
)

// basicAuth decodes an Authorization: Basic header.
func basicAuth(h http.Header) (user, pass string, ok bool) {
	v, found := strings.CutPrefix(h.Get("Authorization"), "Basic ")
	if !found {
		return "", "", false
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return "", "", false
	}
	user, pass, ok = strings.Cut(string(b), ":")
	return user, pass, ok
}

const (
	twilioSID   = "AC0123456789abcdef0123456789abcdef"
	twilioToken = "tw-auth-token-0123"
)

// twilioMessages fakes POST /2010-04-01/Accounts/{AccountSid}/Messages.json:
// HTTP basic auth SID:token, a form-encoded To/From/Body, 201 with the
// Message resource, or Twilio's error document
// {"code":...,"message":...,"more_info":...,"status":...}.
func twilioMessages(t *testing.T) *provider {
	n := 0
	return newProvider(t, func(w http.ResponseWriter, r request) {
		twErr := func(status, code int, msg string) {
			reply(w, status, string(hosttest.JSON(t, map[string]any{"code": code, "message": msg,
				"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code), "status": status})))
		}
		if r.Method != http.MethodPost || r.Path != "/2010-04-01/Accounts/"+twilioSID+"/Messages.json" {
			twErr(http.StatusNotFound, 20404, "The requested resource was not found")
			return
		}
		if u, pw, ok := basicAuth(r.Header); !ok || u != twilioSID || pw != twilioToken {
			twErr(http.StatusUnauthorized, 20003, "Authenticate")
			return
		}
		form, err := url.ParseQuery(string(r.Body))
		if r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || err != nil {
			twErr(http.StatusBadRequest, 20001, "Invalid form body")
			return
		}
		if to := form.Get("To"); to == "+15550000000" {
			twErr(http.StatusBadRequest, 21211, "The 'To' number "+to+" is not a valid phone number.")
			return
		}
		n++
		reply(w, http.StatusCreated, fmt.Sprintf(`{"sid":"SM%032d","status":"queued","to":%q,"from":%q,"body":%q}`,
			n, form.Get("To"), form.Get("From"), form.Get("Body")))
	})
}

func TestTwilioSMS(t *testing.T) {
	p := load(t, "twilio-sms")
	srv := twilioMessages(t)
	secrets := map[string]string{"twilio_auth_token": twilioToken}
	cfg := map[string]any{"api_url": srv.URL, "account_sid": twilioSID, "from": "+15557654321",
		"to": []string{"+15551234567", "+447700900123"}, "prefix": "[prod]"}

	t.Run("one form-encoded message per recipient", func(t *testing.T) {
		srv.reset()
		out := p.ok(cfg, secrets, failedCtx)
		reqs := srv.requests()
		if len(reqs) != 2 {
			t.Fatalf("%d requests, want 2", len(reqs))
		}
		for i, to := range []string{"+15551234567", "+447700900123"} {
			form, _ := url.ParseQuery(string(reqs[i].Body))
			want := url.Values{"To": {to}, "From": {"+15557654321"}, "Body": {"[prod] api is failed (was healthy): status 503"}}
			if !reflect.DeepEqual(form, want) {
				t.Errorf("form %d = %v, want %v", i, form, want)
			}
		}
		if !strings.HasPrefix(out.Message, "twilio: sent 2 SMS (SM") {
			t.Errorf("message %q", out.Message)
		}
	})

	t.Run("a wrong token: Twilio's message, not the token", func(t *testing.T) {
		out := p.failed(cfg, map[string]string{"twilio_auth_token": "nope-token"}, failedCtx, "status 401", "Authenticate")
		if strings.Contains(out.Message, "nope-token") {
			t.Errorf("message %q quotes the token", out.Message)
		}
	})

	t.Run("a rejected number stops the run and says how far it got", func(t *testing.T) {
		c := map[string]any{"api_url": srv.URL, "account_sid": twilioSID, "from": "Runbook", "to": []string{"+15551234567", "+15550000000"}}
		p.failed(c, secrets, failedCtx, "+15550000000", "status 400", "is not a valid phone number", "already sent to 1 of 2")
	})

	t.Run("missing secret", func(t *testing.T) {
		p.failed(cfg, nil, failedCtx, "auth_token_secret", "twilio_auth_token")
	})

	t.Run("validation", func(t *testing.T) {
		base := func() map[string]any {
			return map[string]any{"api_url": "https://api.twilio.com", "account_sid": twilioSID, "from": "+15557654321", "to": []string{"+15551234567"}}
		}
		p.valid(base())
		for field, bad := range map[string]any{"account_sid": "SK123", "from": "+0", "api_url": "api.twilio.com"} {
			c := base()
			c[field] = bad
			p.invalid(c, field)
		}
		c := base()
		c["to"] = []string{"+15551234567", "555-1234"}
		p.invalid(c, "to.1")
		c = base()
		delete(c, "to")
		p.invalid(c, "to")
	})
}
