package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Login and sign-up forms need the pre-session token of this browser:
// a post without it, or with another browser's, is refused.
func TestLoginAndSignupFormsNeedTheirCSRFToken(t *testing.T) {
	e := newEnv(t)
	attacker := e.browser()
	attacker.get("/login")
	stolen := attacker.csrf
	victim := e.browser()
	for _, path := range []string{"/login", "/signup"} {
		code, body := victim.post(path, url.Values{"email": {"alice@example.com"}, "password": {"password-u-alice"}, "_csrf": {"forged"}})
		if code != 403 || !strings.Contains(body, "form expired") {
			t.Errorf("%s without a token: %d", path, code)
		}
		code, _ = victim.post(path, url.Values{"email": {"alice@example.com"}, "password": {"password-u-alice"}, "_csrf": {stolen}})
		if code != 403 {
			t.Errorf("%s with another browser's token: %d, want 403", path, code)
		}
	}
	victim.login("alice@example.com", "password-u-alice")
}

// A burst of login attempts from one address is refused with 429 and
// when to retry; a normal pace is not, and other endpoints keep working.
func TestLoginBurstIsRateLimited(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.LoginLimit, c.limitClock = 5, midWindow })
	b := e.browser()
	b.get("/login")
	for i := range 5 {
		if code, _ := b.post("/login", url.Values{"email": {"alice@example.com"}, "password": {"wrong"}}); code != 401 {
			t.Fatalf("attempt %d: %d, want 401 (within the limit)", i+1, code)
		}
	}
	code, body := b.post("/login", url.Values{"email": {"alice@example.com"}, "password": {"password-u-alice"}})
	if code != 429 || !strings.Contains(body, "Try again in") {
		t.Fatalf("6th attempt: %d %s, want 429 naming when to retry", code, body)
	}
	// The JSON sign-up shares the budget, per address: App().Test comes
	// from another address than the browser, so it has its own five.
	for i := range 5 {
		if r := e.do("POST", "/api/v1/signup", "", map[string]string{"email": fmt.Sprintf("x%d@example.com", i), "password": "long enough pw"}); r.Code != 201 {
			t.Fatalf("sign-up %d: %d %s", i+1, r.Code, r.Body)
		}
	}
	r := e.do("POST", "/api/v1/signup", "", map[string]string{"email": "x@example.com", "password": "long enough pw"})
	if r.Code != 429 || r.errCode() != "rate_limited" || r.H.Get("Retry-After") == "" || !strings.Contains(string(r.Body), "retry in") {
		t.Errorf("API sign-up after the burst: %d %s %q", r.Code, r.Body, r.H.Get("Retry-After"))
	}
	// The API with a token is not limited by the login budget.
	e.mustDo(200, "GET", "/api/v1/me", e.alice, nil)
}

func TestHookBurstIsRateLimitedNormalUseIsNot(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.HookLimit, c.limitClock = 20, midWindow })
	tok := e.webhookMonitor("h1", "webhook")
	path := "/api/v1/webhooks/h1/" + tok
	for i := range 20 {
		if r := e.do("POST", path, "", map[string]string{"status": "healthy"}); r.Code != 202 {
			t.Fatalf("call %d: %d %s", i+1, r.Code, r.Body)
		}
	}
	r := e.do("POST", path, "", map[string]string{"status": "healthy"})
	if r.Code != 429 || r.errCode() != "rate_limited" {
		t.Fatalf("21st call: %d %s", r.Code, r.Body)
	}
	if r := e.do("GET", "/api/v1/heartbeats/h1/"+tok, "", nil); r.Code != 429 {
		t.Errorf("heartbeat shares the hook budget: %d", r.Code)
	}
}

// midWindow is a fixed clock for the burst tests: with the real one a
// slow burst (bcrypt under -race on a loaded machine takes a second a
// sign-up) could straddle a window edge and be let through, as the
// sliding window is meant to. TestLimiterWindowSlides covers the edge.
func midWindow() time.Time { return time.Date(2026, 1, 1, 0, 0, 30, 0, time.UTC) }

// The window slides: a client at the limit is let in again as the
// previous window's requests age out.
func TestLimiterWindowSlides(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := &limiter{max: 10, m: map[string]*window{}, now: func() time.Time { return now }}
	for i := range 10 {
		if ok, _ := l.allow("a"); !ok {
			t.Fatalf("request %d refused", i)
		}
	}
	if ok, wait := l.allow("a"); ok || wait <= 0 || wait > time.Minute {
		t.Fatalf("11th: ok=%v wait=%v", ok, wait)
	}
	if ok, _ := l.allow("b"); !ok {
		t.Fatal("another address is limited too")
	}
	now = now.Add(90 * time.Second) // half the previous window still counts: 5
	n := 0
	for {
		if ok, _ := l.allow("a"); !ok {
			break
		}
		n++
	}
	if n != 5 {
		t.Errorf("half a window later %d allowed, want 5", n)
	}
	now = now.Add(2 * time.Minute)
	if ok, _ := l.allow("a"); !ok {
		t.Error("still limited two windows later")
	}
}
