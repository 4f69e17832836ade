package web

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// browserish is an HTTP client with cookies, like a browser without JS.
type browserish struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

func (e *env) browser() *browserish {
	jar, _ := cookiejar.New(nil)
	return &browserish{t: e.t, base: e.listen(), c: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (b *browserish) get(path string) (int, string) {
	b.t.Helper()
	res, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if m := csrfRE.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return res.StatusCode, string(body)
}

func (b *browserish) post(path string, form url.Values) (int, string) {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if b.csrf != "" && form.Get("_csrf") == "" {
		form.Set("_csrf", b.csrf)
	}
	res, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if m := csrfRE.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return res.StatusCode, string(body)
}

func (b *browserish) login(email, password string) {
	b.t.Helper()
	b.get("/login") // the form carries the pre-session CSRF token
	code, body := b.post("/login", url.Values{"email": {email}, "password": {password}})
	if code != 200 || !strings.Contains(body, `id="counts"`) {
		b.t.Fatalf("login: %d %s", code, body)
	}
}

func TestPagesRenderForTheirOwner(t *testing.T) {
	e := newEnv(t)
	e.createMonitor(e.alice, "m1")
	e.webhookMonitor("hook", engine.KindWebhook)
	e.mustDo(201, "POST", "/api/v1/reactions", e.alice, map[string]any{"id": "r1", "name": "hook", "plugin": "webhook", "config": map[string]any{"url": "https://alice.example", "secret": "reaction-secret"}})
	ctx := context.Background()
	now := time.Now()
	for i := 0; i < 60; i++ {
		st := engine.StatusHealthy
		if i%7 == 0 {
			st = engine.StatusFailed
		}
		mustNil(t, e.st.AddHistory(ctx, engine.Result{ID: "h" + string(rune('a'+i%26)) + string(rune('a'+i/26)), MonitorID: "m1", Zone: "z1", Source: engine.SourceCheck, Status: st, Duration: engine.Duration(time.Duration(i+1) * time.Millisecond), FinishedAt: now.Add(-time.Duration(i) * time.Minute)}))
	}
	mustNil(t, e.st.AddEvents(ctx, engine.Event{ID: "ev1", MonitorID: "m1", Zone: "z1", From: engine.StatusHealthy, To: engine.StatusFailed, At: now}))
	mustNil(t, e.st.AddReactionLogs(ctx, engine.ReactionLog{ID: "rl1", ReactionID: "r1", MonitorID: "m1", Zone: "z1", Outcome: engine.OutcomeExecuted, Message: "sent", At: now}))

	b := e.browser()
	b.login("alice@example.com", "password-u-alice")
	for _, tc := range []struct{ path, want string }{
		{"/", "Monitor m1"},
		{"/?q=m1", "Monitor m1"},
		{"/?state=failed", "No monitors match"},
		{"/monitors/new", `name="config.url"`},
		{"/monitors/new?kind=webhook", "New monitor"},
		{"/monitors/m1", "Reaction logs"},
		{"/monitors/m1?before=" + url.QueryEscape(now.Add(-30*time.Minute).UTC().Format(time.RFC3339Nano)), "History"},
		{"/monitors/m1/edit", `value="********"`},
		{"/monitors/hook", "Rotate token"},
		{"/reactions", "hook"},
		{"/reactions/new?plugin=webhook", `name="config.url"`},
		{"/reactions/r1/edit", "Edit hook"},
		{"/statuspage", "Public status page"},
		{"/account", "API tokens"},
	} {
		code, body := b.get(tc.path)
		if code != 200 || !strings.Contains(body, tc.want) {
			t.Errorf("GET %s: %d, want 200 with %q", tc.path, code, tc.want)
		}
		for _, secret := range []string{"s3cret", "reaction-secret"} {
			if strings.Contains(body, secret) {
				t.Errorf("GET %s shows a secret", tc.path)
			}
		}
	}
	// Another user's monitor page is a 404 without its data.
	code, body := b.get("/monitors/nope")
	if code != 404 {
		t.Errorf("unknown monitor page: %d", code)
	}
	b2 := e.browser()
	b2.login("bob@example.com", "password-u-bob")
	code, body = b2.get("/monitors/m1")
	if code != 404 || strings.Contains(body, "Monitor m1") {
		t.Errorf("bob sees alice's monitor page: %d", code)
	}
	if code, _ := b2.get("/admin"); code != 403 {
		t.Errorf("bob on the admin page: %d", code)
	}
}

func TestPagesNeedSessionAndCSRF(t *testing.T) {
	e := newEnv(t)
	e.createMonitor(e.alice, "m1")
	b := e.browser()
	// Without a session, pages send visitors to the login page.
	if _, body := b.get("/monitors/m1"); !strings.Contains(body, `action="/login"`) {
		t.Error("no redirect to login")
	}
	if code, _ := b.post("/login", url.Values{"email": {"alice@example.com"}, "password": {"wrong"}}); code != 401 {
		t.Errorf("wrong password: %d", code)
	}
	b.login("alice@example.com", "password-u-alice")
	// A forged form (no or wrong CSRF token) is refused and changes nothing.
	for _, tok := range []string{"", "forged"} {
		form := url.Values{}
		if tok != "" {
			form.Set("_csrf", tok)
		}
		res, err := b.c.PostForm(b.base+"/monitors/m1/pause", form)
		mustNil(t, err)
		res.Body.Close()
		if code := res.StatusCode; code != 403 {
			t.Errorf("pause with CSRF token %q: %d, want 403", tok, code)
		}
	}
	m, _ := e.st.GetMonitor(context.Background(), "m1")
	if m.Paused {
		t.Fatal("a forged request paused the monitor")
	}
	// The session's API use needs the header too.
	req, _ := http.NewRequest("POST", b.base+"/api/v1/monitors/m1/pause", nil)
	res, err := b.c.Do(req)
	mustNil(t, err)
	res.Body.Close()
	if res.StatusCode != 403 {
		t.Errorf("session API call without X-CSRF-Token: %d", res.StatusCode)
	}
	req, _ = http.NewRequest("POST", b.base+"/api/v1/monitors/m1/pause", nil)
	req.Header.Set("X-CSRF-Token", b.csrf)
	res, err = b.c.Do(req)
	mustNil(t, err)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("session API call with X-CSRF-Token: %d", res.StatusCode)
	}
	// Logging out ends the session on the server.
	b.post("/logout", nil)
	if _, body := b.get("/account"); !strings.Contains(body, `action="/login"`) {
		t.Error("still logged in after logout")
	}
}

func TestPagesFormsShowErrorsOnTheField(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("alice@example.com", "password-u-alice")
	b.get("/monitors/new")
	code, body := b.post("/monitors/new", url.Values{
		"kind": {"scheduled"}, "check": {"http-status"}, "name": {""}, "interval": {"soon"},
		"zones": {"z1"}, "config.url": {"ftp://x"}, "config.codes": {"200, abc"},
	})
	if code != 400 {
		t.Fatalf("invalid form: %d", code)
	}
	for _, want := range []string{
		`id="name" name="name" type="text" value="" required class="invalid"`,
		"must be a duration like 30s or 5m",
		`&#34;abc&#34; is not a number`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("form does not show %q", want)
		}
	}
	// A valid form creates the monitor with a typed config.
	code, _ = b.post("/monitors/new", url.Values{
		"id": {"web"}, "kind": {"scheduled"}, "check": {"http-status"}, "name": {"Web"}, "interval": {"1m"},
		"zones": {"z1"}, "config.url": {"https://example.com"}, "config.codes": {"200, 204"}, "config.timeout": {"5"},
		"config.tls_verify": {"on"}, "config.headers": {"Accept: text/html"},
	})
	if code != 200 {
		t.Fatalf("valid form: %d", code)
	}
	m, err := e.st.GetMonitor(context.Background(), "web")
	mustNil(t, err)
	for _, want := range []string{`"codes":[200,204]`, `"timeout":5`, `"tls_verify":true`, `"Accept":"text/html"`} {
		if !strings.Contains(string(m.Config), want) {
			t.Errorf("config %s lacks %s", m.Config, want)
		}
	}
	// The plugin's own validator speaks through the form too.
	_, body = b.post("/monitors/new", url.Values{"kind": {"scheduled"}, "check": {"http-status"}, "name": {"x"}, "interval": {"1m"}, "zones": {"z1"}, "config.url": {"ftp://x"}})
	if !strings.Contains(body, "must be an http(s) URL") {
		t.Error("plugin validation error not on the form")
	}
	// Plan limit: a clear message.
	mustNil(t, e.st.PutPlan(context.Background(), planOf("free", 1, 1, time.Minute)))
	_, body = b.post("/monitors/new", url.Values{"kind": {"scheduled"}, "check": {"http-status"}, "name": {"y"}, "interval": {"1m"}, "zones": {"z1"}, "config.url": {"https://y"}})
	if !strings.Contains(body, "allows 1 monitors") {
		t.Error("plan limit not shown")
	}
}

func TestSignupPage(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.get("/signup")
	code, body := b.post("/signup", url.Values{"email": {"new@example.com"}, "password": {"short"}})
	if code != 400 || !strings.Contains(body, "at least 10 characters") {
		t.Errorf("short password: %d", code)
	}
	code, body = b.post("/signup", url.Values{"email": {"new@example.com"}, "password": {"long enough pw"}})
	if code != 200 || !strings.Contains(body, "Welcome") {
		t.Errorf("signup: %d", code)
	}
}

// The stream sends the first state, then only changes.
func TestStreamSendsDiffs(t *testing.T) {
	e := newEnv(t)
	e.createMonitor(e.alice, "m1")
	base := e.listen()
	req, _ := http.NewRequest("GET", base+"/api/v1/stream", nil)
	req.Header.Set("Authorization", "Bearer "+e.alice)
	res, err := http.DefaultClient.Do(req)
	mustNil(t, err)
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	events := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(res.Body)
		var name string
		for sc.Scan() {
			line := sc.Text()
			if n, ok := strings.CutPrefix(line, "event: "); ok {
				name = n
			} else if d, ok := strings.CutPrefix(line, "data: "); ok {
				events <- name + " " + d
			}
		}
		close(events)
	}()
	next := func(prefix string) string {
		t.Helper()
		timeout := time.After(5 * time.Second)
		for {
			select {
			case ev := <-events:
				if strings.HasPrefix(ev, prefix) {
					return ev
				}
			case <-timeout:
				t.Fatalf("no %q event", prefix)
			}
		}
	}
	if ev := next("monitors "); !strings.Contains(ev, `"id":"m1"`) || !strings.Contains(ev, `"status":"pending"`) {
		t.Errorf("first monitors event %s", ev)
	}
	mustNil(t, e.st.SetMonitorStatus(context.Background(), "m1", engine.StatusFailed, time.Now()))
	if ev := next("monitors "); !strings.Contains(ev, `"status":"failed"`) {
		t.Errorf("diff %s", ev)
	}
	if ev := next("summary "); !strings.Contains(ev, `"failed":1`) {
		t.Errorf("summary %s", ev)
	}
}
