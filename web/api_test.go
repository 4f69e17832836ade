package web

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// authedRoutes is every token-authenticated route with a body that would
// be valid for alice's monitor "m1", reaction "r1" and silence "s1".
var authedRoutes = []struct {
	method, path string
	body         any
	perMonitor   bool // names alice's monitor: bob must get 404
}{
	{"GET", "/api/v1/me", nil, false},
	{"PUT", "/api/v1/me/password", map[string]any{"current": "x", "new": "y"}, false},
	{"GET", "/api/v1/plan", nil, false},
	{"GET", "/api/v1/plugins", nil, false},
	{"GET", "/api/v1/tokens", nil, false},
	{"POST", "/api/v1/tokens", map[string]any{"name": "ci"}, false},
	{"DELETE", "/api/v1/tokens/0000000000000000", nil, false},
	{"GET", "/api/v1/summary", nil, false},
	{"GET", "/api/v1/events", nil, false},
	{"GET", "/api/v1/monitors", nil, false},
	{"POST", "/api/v1/monitors", map[string]any{"name": "x", "check": "http-status", "interval": "1m", "config": map[string]any{"url": "https://x"}}, false},
	{"GET", "/api/v1/monitors/m1", nil, true},
	{"POST", "/api/v1/monitors/m1/pause", nil, true},
	{"POST", "/api/v1/monitors/m1/resume", nil, true},
	{"POST", "/api/v1/monitors/m1/mark", map[string]any{"status": "failed"}, true},
	{"GET", "/api/v1/monitors/m1/history", nil, true},
	{"GET", "/api/v1/monitors/m1/events", nil, true},
	{"GET", "/api/v1/monitors/m1/reactionlogs", nil, true},
	{"GET", "/api/v1/monitors/m1/uptime", nil, true},
	{"GET", "/api/v1/monitors/m1/zones", nil, true},
	{"GET", "/api/v1/monitors/m1/silences", nil, true},
	{"POST", "/api/v1/monitors/m1/silences", map[string]any{"start": "2030-01-01T00:00:00Z", "end": "2030-01-02T00:00:00Z"}, true},
	{"DELETE", "/api/v1/monitors/m1/silences/s1", nil, true},
	{"GET", "/api/v1/monitors/m1/webhook", nil, true},
	{"PUT", "/api/v1/monitors/m1/webhook", map[string]any{"pagerduty_secret": "x"}, true},
	{"POST", "/api/v1/monitors/m1/webhook/rotate", nil, true},
	{"GET", "/api/v1/monitors/m1/stream-not-a-route", nil, false},
	{"PUT", "/api/v1/monitors/m1", map[string]any{"name": "renamed", "check": "http-status", "interval": "1m", "config": map[string]any{"url": "https://x"}}, true},
	{"DELETE", "/api/v1/monitors/m1", nil, true},
	{"GET", "/api/v1/reactions", nil, false},
	{"POST", "/api/v1/reactions", map[string]any{"name": "r", "plugin": "webhook", "config": map[string]any{"url": "https://x"}}, false},
	{"GET", "/api/v1/reactions/r1", nil, true},
	{"PUT", "/api/v1/reactions/r1", map[string]any{"name": "r", "plugin": "webhook", "config": map[string]any{"url": "https://x"}}, true},
	{"DELETE", "/api/v1/reactions/r1", nil, true},
	{"GET", "/api/v1/statuspage", nil, false},
	{"PUT", "/api/v1/statuspage", map[string]any{"title": "t"}, false},
	{"GET", "/api/v1/admin/users", nil, false},
	{"PUT", "/api/v1/admin/users/u-bob/plan", map[string]any{"plan": "free"}, false},
	{"GET", "/api/v1/admin/plans", nil, false},
	{"PUT", "/api/v1/admin/plans/p1", map[string]any{"name": "P1"}, false},
	{"DELETE", "/api/v1/admin/plans/p1", nil, false},
}

func TestAPIRefusesWithoutAValidToken(t *testing.T) {
	e := newEnv(t)
	for _, r := range authedRoutes {
		for _, tc := range []struct{ name, token string }{{"no token", ""}, {"wrong token", "rb_wrong"}} {
			got := e.do(r.method, r.path, tc.token, r.body)
			if got.Code != 401 || got.errCode() != "unauthorized" {
				t.Errorf("%s %s with %s: %d %s, want 401 unauthorized", r.method, r.path, tc.name, got.Code, got.Body)
			}
		}
	}
}

func TestAPIAnotherAccountsObjectsAreNotFound(t *testing.T) {
	e := newEnv(t)
	e.createMonitor(e.alice, "m1")
	e.mustDo(201, "POST", "/api/v1/reactions", e.alice, map[string]any{"id": "r1", "name": "Alice's hook", "plugin": "webhook", "config": map[string]any{"url": "https://alice.example"}})
	e.mustDo(201, "POST", "/api/v1/monitors/m1/silences", e.alice, map[string]any{"id": "s1", "start": "2030-01-01T00:00:00Z", "end": "2030-01-02T00:00:00Z"})
	for _, r := range authedRoutes {
		if !r.perMonitor {
			continue
		}
		got := e.do(r.method, r.path, e.bob, r.body)
		if got.Code != 404 || got.errCode() != "not_found" {
			t.Errorf("bob %s %s: %d %s, want 404", r.method, r.path, got.Code, got.Body)
		}
		if s := string(got.Body); strings.Contains(s, "alice") || strings.Contains(s, "Monitor m1") || strings.Contains(s, "s3cret") {
			t.Errorf("bob %s %s: response leaks alice's data: %s", r.method, r.path, s)
		}
	}
	// Alice's monitor is untouched by all that.
	var m engine.Monitor
	e.mustDo(200, "GET", "/api/v1/monitors/m1", e.alice, nil).json(t, &m)
	if m.Name != "Monitor m1" || m.Paused {
		t.Errorf("bob changed alice's monitor: %+v", m)
	}
	// Lists never show another account's objects.
	var ms []engine.Monitor
	e.mustDo(200, "GET", "/api/v1/monitors", e.bob, nil).json(t, &ms)
	if len(ms) != 0 {
		t.Errorf("bob lists %d monitors, want 0", len(ms))
	}
	// Nor can bob attach alice's reaction to his own monitor.
	got := e.do("POST", "/api/v1/monitors", e.bob, map[string]any{"name": "b", "check": "http-status", "interval": "1m", "config": map[string]any{"url": "https://b"}, "reactions": []string{"r1"}})
	if got.Code != 400 || !contains(got.errFields(), "reactions") {
		t.Errorf("bob using alice's reaction: %d %s", got.Code, got.Body)
	}
}

func TestAPIEveryRouteWorksForItsOwner(t *testing.T) {
	e := newEnv(t)
	e.createMonitor(e.alice, "m1")
	e.mustDo(201, "POST", "/api/v1/reactions", e.alice, map[string]any{"id": "r1", "name": "hook", "plugin": "webhook", "config": map[string]any{"url": "https://alice.example"}})
	e.mustDo(201, "POST", "/api/v1/monitors/m1/silences", e.alice, map[string]any{"id": "s1", "start": "2030-01-01T00:00:00Z", "end": "2030-01-02T00:00:00Z"})
	for _, r := range authedRoutes {
		if strings.Contains(r.path, "not-a-route") || strings.HasPrefix(r.path, "/api/v1/admin") ||
			r.path == "/api/v1/me/password" || strings.HasPrefix(r.path, "/api/v1/tokens/") {
			continue // covered by their own tests
		}
		got := e.do(r.method, r.path, e.alice, r.body)
		if got.Code >= 300 {
			t.Errorf("alice %s %s: %d %s", r.method, r.path, got.Code, got.Body)
		}
	}
}

func TestAPIErrorsNameTheField(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name       string
		body       any
		code       int
		errCode    string
		wantFields []string
	}{
		{"malformed JSON", `{"name": "x",`, 400, "malformed", nil},
		{"unknown field", map[string]any{"name": "x", "intervall": "1m"}, 400, "malformed", nil},
		{"wrong type", `{"name": 5}`, 400, "malformed", nil},
		{"missing name", map[string]any{"check": "http-status", "interval": "1m", "config": map[string]any{"url": "https://x"}}, 400, "invalid", []string{"name"}},
		{"bad interval", map[string]any{"name": "x", "check": "http-status", "interval": "0s", "config": map[string]any{"url": "https://x"}}, 400, "invalid", []string{"interval"}},
		{"unknown zone", map[string]any{"name": "x", "check": "http-status", "interval": "1m", "zones": []string{"mars"}, "config": map[string]any{"url": "https://x"}}, 400, "invalid", []string{"zones"}},
		{"plugin refuses config", map[string]any{"name": "x", "check": "http-status", "interval": "1m", "config": map[string]any{"url": "ftp://x"}}, 400, "invalid", []string{"config.url"}},
		{"unknown plugin", map[string]any{"name": "x", "check": "nope", "interval": "1m"}, 400, "invalid", []string{"check"}},
		{"masked secret on create", map[string]any{"name": "x", "check": "http-status", "interval": "1m", "config": map[string]any{"url": "https://x", "api_token": secretMask}}, 400, "invalid", []string{"config.api_token"}},
		{"bad silence", map[string]any{"name": "x", "kind": "webhook", "silences": []map[string]any{{"from": "25:99", "duration": "1h"}}}, 400, "invalid", []string{"silences[0].from"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := e.do("POST", "/api/v1/monitors", e.alice, tc.body)
			if got.Code != tc.code || got.errCode() != tc.errCode {
				t.Fatalf("%d %s, want %d %s", got.Code, got.Body, tc.code, tc.errCode)
			}
			for _, f := range tc.wantFields {
				if !contains(got.errFields(), f) {
					t.Errorf("fields %v do not name %q: %s", got.errFields(), f, got.Body)
				}
			}
		})
	}
	// Nothing was written half-way.
	var ms []engine.Monitor
	e.mustDo(200, "GET", "/api/v1/monitors", e.alice, nil).json(t, &ms)
	if len(ms) != 0 {
		t.Errorf("refused monitors were stored: %v", ms)
	}
}

func TestAPIOversizedBody(t *testing.T) {
	e := newEnv(t)
	addr := strings.TrimPrefix(e.listen(), "http://")
	big := `{"name": "` + strings.Repeat("x", 100<<10) + `"}`
	for _, path := range []string{"/api/v1/monitors", "/api/v1/webhooks/m1/tok"} {
		// A raw connection: the server answers 413 and closes before the
		// body is read, which an http.Client reports as a write error.
		conn, err := net.Dial("tcp", addr)
		mustNil(t, err)
		go func() {
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", path, e.alice, len(big), big)
		}()
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		mustNil(t, err)
		b, _ := io.ReadAll(res.Body)
		conn.Close()
		r := resp{Code: res.StatusCode, Body: b}
		if r.Code != 413 || r.errCode() != "too_large" {
			t.Errorf("oversized body to %s: %d %s", path, r.Code, b)
		}
	}
}

func TestAPIPlanLimits(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	mustNil(t, e.st.PutPlan(ctx, planOf("tiny", 1, 1, time.Minute)))
	e.mustDo(200, "PUT", "/api/v1/admin/users/u-alice/plan", e.admin, map[string]any{"plan": "tiny"})

	e.createMonitor(e.alice, "m1")
	got := e.do("POST", "/api/v1/monitors", e.alice, map[string]any{"name": "second", "check": "http-status", "interval": "1m", "config": map[string]any{"url": "https://x"}})
	if got.Code != 403 || got.errCode() != "plan_limit" || !strings.Contains(string(got.Body), "allows 1 monitors") {
		t.Errorf("second monitor on a 1-monitor plan: %d %s", got.Code, got.Body)
	}
	got = e.do("PUT", "/api/v1/monitors/m1", e.alice, map[string]any{"name": "fast", "check": "http-status", "interval": "10s", "config": map[string]any{"url": "https://x"}})
	if got.Code != 403 || !contains(got.errFields(), "interval") {
		t.Errorf("interval below the plan's: %d %s", got.Code, got.Body)
	}
	e.mustDo(201, "POST", "/api/v1/reactions", e.alice, map[string]any{"name": "r", "plugin": "webhook", "config": map[string]any{"url": "https://x"}})
	got = e.do("POST", "/api/v1/reactions", e.alice, map[string]any{"name": "r2", "plugin": "webhook", "config": map[string]any{"url": "https://x"}})
	if got.Code != 403 || got.errCode() != "plan_limit" {
		t.Errorf("second reaction on a 1-reaction plan: %d %s", got.Code, got.Body)
	}
	var pu planView
	e.mustDo(200, "GET", "/api/v1/plan", e.alice, nil).json(t, &pu)
	if pu.ID != "tiny" || pu.Monitors != 1 || pu.Reactions != 1 {
		t.Errorf("plan usage %+v", pu)
	}
	// Only admins assign plans.
	if got := e.do("PUT", "/api/v1/admin/users/u-alice/plan", e.alice, map[string]any{"plan": "unlimited"}); got.Code != 403 {
		t.Errorf("alice assigning herself a plan: %d %s", got.Code, got.Body)
	}
	if got := e.do("PUT", "/api/v1/admin/users/u-alice/plan", e.admin, map[string]any{"plan": "gold"}); got.Code != 400 || !contains(got.errFields(), "plan") {
		t.Errorf("unknown plan: %d %s", got.Code, got.Body)
	}
}

func TestAPITokens(t *testing.T) {
	e := newEnv(t)
	var created tokenView
	e.mustDo(201, "POST", "/api/v1/tokens", e.alice, map[string]any{"name": "deploy"}).json(t, &created)
	if !strings.HasPrefix(created.Token, "rb_") || created.ID == "" {
		t.Fatalf("created token %+v", created)
	}
	e.mustDo(200, "GET", "/api/v1/me", created.Token, nil)
	list := e.mustDo(200, "GET", "/api/v1/tokens", e.alice, nil)
	if strings.Contains(string(list.Body), created.Token) || strings.Contains(string(list.Body), HashToken(created.Token)) {
		t.Errorf("token list shows a secret: %s", list.Body)
	}
	// The store keeps only the hash.
	if _, err := e.st.GetToken(context.Background(), created.Token); err == nil {
		t.Error("the plain token is a store key")
	}
	if got := e.do("DELETE", "/api/v1/tokens/"+created.ID, e.bob, nil); got.Code != 404 {
		t.Errorf("bob revoking alice's token: %d", got.Code)
	}
	e.mustDo(204, "DELETE", "/api/v1/tokens/"+created.ID, e.alice, nil)
	if got := e.do("GET", "/api/v1/me", created.Token, nil); got.Code != 401 {
		t.Errorf("revoked token still works: %d", got.Code)
	}
	if got := e.do("POST", "/api/v1/tokens", e.alice, map[string]any{"name": ""}); got.Code != 400 || !contains(got.errFields(), "name") {
		t.Errorf("nameless token: %d %s", got.Code, got.Body)
	}
}

func TestAPISecretsAreMaskedAndKept(t *testing.T) {
	e := newEnv(t)
	e.createMonitor(e.alice, "m1")
	got := e.mustDo(200, "GET", "/api/v1/monitors/m1", e.alice, nil)
	if strings.Contains(string(got.Body), "s3cret") {
		t.Fatalf("secret shown: %s", got.Body)
	}
	// Sending the masked monitor back keeps the secret.
	var m map[string]any
	got.json(t, &m)
	m["name"] = "renamed"
	e.mustDo(200, "PUT", "/api/v1/monitors/m1", e.alice, m)
	stored, _ := e.st.GetMonitor(context.Background(), "m1")
	if !strings.Contains(string(stored.Config), "s3cret") || stored.Name != "renamed" {
		t.Errorf("stored after round trip: %s %s", stored.Name, stored.Config)
	}
}

func TestAPIMarkPauseAndQueue(t *testing.T) {
	e := newEnv(t)
	e.mustDo(201, "POST", "/api/v1/monitors", e.alice, map[string]any{"id": "m1", "name": "two zones", "check": "http-status", "interval": "1m", "zones": []string{"z1", "z2"}, "config": map[string]any{"url": "https://x"}})
	drain(t, e, "z1")
	drain(t, e, "z2")
	e.mustDo(202, "POST", "/api/v1/monitors/m1/mark", e.alice, map[string]any{"status": "failed", "message": "by hand"})
	for _, z := range []string{"z1", "z2"} {
		es := drain(t, e, z)
		if len(es) != 1 || es[0].Op != engine.OpResult {
			t.Fatalf("zone %s queue %v, want one result", z, es)
		}
		var r engine.Result
		mustNil(t, json.Unmarshal(es[0].Payload, &r))
		if r.Source != engine.SourceManual || r.Status != engine.StatusFailed || r.Zone != z || r.ID == "" || r.FinishedAt.IsZero() || r.Message != "by hand" {
			t.Errorf("zone %s result %+v", z, r)
		}
	}
	if got := e.do("POST", "/api/v1/monitors/m1/mark", e.alice, map[string]any{"status": "unknown"}); got.Code != 400 || !contains(got.errFields(), "status") {
		t.Errorf("mark unknown: %d %s", got.Code, got.Body)
	}
	var m engine.Monitor
	e.mustDo(200, "POST", "/api/v1/monitors/m1/pause", e.alice, nil).json(t, &m)
	if !m.Paused {
		t.Error("pause did not pause")
	}
	if es := drain(t, e, "z1"); len(es) != 1 || es[0].Op != engine.OpUpsertMonitor {
		t.Errorf("pause queued %v, want a monitor upsert", es)
	}
	var resumed engine.Monitor
	e.mustDo(200, "POST", "/api/v1/monitors/m1/resume", e.alice, nil).json(t, &resumed)
	if resumed.Paused {
		t.Error("resume did not resume")
	}
}

func TestAPISignupAndPassword(t *testing.T) {
	e := newEnv(t)
	var out struct {
		User  userView  `json:"user"`
		Token tokenView `json:"token"`
	}
	e.mustDo(201, "POST", "/api/v1/signup", "", map[string]any{"email": "carol@example.com", "password": "correct horse"}).json(t, &out)
	if out.User.Plan != PlanFree || out.Token.Token == "" {
		t.Fatalf("signup %+v", out)
	}
	if got := e.do("POST", "/api/v1/signup", "", map[string]any{"email": "CAROL@example.com", "password": "correct horse"}); got.Code != 400 || !contains(got.errFields(), "email") {
		t.Errorf("second signup with the same email: %d %s", got.Code, got.Body)
	}
	if got := e.do("POST", "/api/v1/signup", "", map[string]any{"email": "not-an-email", "password": "short"}); got.Code != 400 || !contains(got.errFields(), "email") || !contains(got.errFields(), "password") {
		t.Errorf("bad signup: %d %s", got.Code, got.Body)
	}
	if got := e.do("PUT", "/api/v1/me/password", out.Token.Token, map[string]any{"current": "wrong", "new": "a new password"}); got.Code != 400 || !contains(got.errFields(), "current") {
		t.Errorf("wrong current password: %d %s", got.Code, got.Body)
	}
	e.mustDo(204, "PUT", "/api/v1/me/password", out.Token.Token, map[string]any{"current": "correct horse", "new": "a new password"})
	if _, err := e.s.authenticate(context.Background(), "carol@example.com", "a new password"); err != nil {
		t.Errorf("new password does not log in: %v", err)
	}
}

func TestAPIStatusPage(t *testing.T) {
	e := newEnv(t)
	e.createMonitor(e.alice, "m1")
	e.createMonitor(e.alice, "m2")
	if got := e.do("GET", "/api/v1/public/status/u-alice", "", nil); got.Code != 404 {
		t.Errorf("status page before opting in: %d", got.Code)
	}
	e.mustDo(200, "PUT", "/api/v1/statuspage", e.alice, map[string]any{"title": "Alice Inc", "public": true, "monitors": []string{"m1"}})
	got := e.mustDo(200, "GET", "/api/v1/public/status/u-alice", "", nil)
	var ps publicStatus
	got.json(t, &ps)
	if ps.Title != "Alice Inc" || len(ps.Monitors) != 1 || ps.Monitors[0].Name != "Monitor m1" {
		t.Errorf("public status %+v", ps)
	}
	if s := string(got.Body); strings.Contains(s, "example.com") || strings.Contains(s, "s3cret") || strings.Contains(s, "m2") {
		t.Errorf("public status shows more than names and status: %s", s)
	}
	if got := e.do("PUT", "/api/v1/statuspage", e.bob, map[string]any{"public": true, "monitors": []string{"m1"}}); got.Code != 400 || !contains(got.errFields(), "monitors") {
		t.Errorf("bob listing alice's monitor: %d %s", got.Code, got.Body)
	}
}

func TestAPISilences(t *testing.T) {
	e := newEnv(t)
	e.createMonitor(e.alice, "m1")
	e.mustDo(201, "POST", "/api/v1/monitors/m1/silences", e.alice, map[string]any{"id": "nightly", "from": "22:00", "duration": "2h", "weekdays": []int{1, 2}, "location": "Europe/Berlin", "reason": "backups"})
	if got := e.do("POST", "/api/v1/monitors/m1/silences", e.alice, map[string]any{"from": "22:00"}); got.Code != 400 || !contains(got.errFields(), "silence.duration") {
		t.Errorf("recurring silence without duration: %d %s", got.Code, got.Body)
	}
	var ss []engine.Silence
	e.mustDo(200, "GET", "/api/v1/monitors/m1/silences", e.alice, nil).json(t, &ss)
	if len(ss) != 1 || ss[0].ID != "nightly" || ss[0].Location != "Europe/Berlin" {
		t.Fatalf("silences %+v", ss)
	}
	e.mustDo(204, "DELETE", "/api/v1/monitors/m1/silences/nightly", e.alice, nil)
	e.mustDo(404, "DELETE", "/api/v1/monitors/m1/silences/nightly", e.alice, nil)
}

func TestAPIAdminPlans(t *testing.T) {
	e := newEnv(t)
	e.mustDo(200, "PUT", "/api/v1/admin/plans/team", e.admin, map[string]any{"name": "Team", "max_monitors": 100, "min_interval": "10s"})
	if got := e.do("PUT", "/api/v1/admin/plans/bad", e.admin, map[string]any{"name": "", "max_monitors": -1}); got.Code != 400 || !contains(got.errFields(), "max_monitors") || !contains(got.errFields(), "name") {
		t.Errorf("bad plan: %d %s", got.Code, got.Body)
	}
	var ps []map[string]any
	e.mustDo(200, "GET", "/api/v1/admin/plans", e.admin, nil).json(t, &ps)
	if len(ps) != 3 {
		t.Errorf("plans %v, want team + the two built-in", ps)
	}
	var us []userView
	e.mustDo(200, "GET", "/api/v1/admin/users", e.admin, nil).json(t, &us)
	if len(us) != 3 || strings.Contains(string(e.do("GET", "/api/v1/admin/users", e.admin, nil).Body), "password") {
		t.Errorf("users %+v", us)
	}
	e.mustDo(204, "DELETE", "/api/v1/admin/plans/team", e.admin, nil)
	if got := e.do("GET", "/api/v1/admin/users", e.bob, nil); got.Code != 403 {
		t.Errorf("non-admin listing users: %d", got.Code)
	}
}

func TestAPIEventsAndSummary(t *testing.T) {
	e := newEnv(t)
	e.createMonitor(e.alice, "m1")
	e.createMonitor(e.bob, "b1")
	ctx := context.Background()
	mustNil(t, e.st.AddEvents(ctx,
		engine.Event{ID: "e1", MonitorID: "m1", Zone: "z1", From: engine.StatusPending, To: engine.StatusFailed, At: time.Now()},
		engine.Event{ID: "e2", MonitorID: "b1", Zone: "z1", From: engine.StatusPending, To: engine.StatusFailed, At: time.Now()}))
	mustNil(t, e.st.SetMonitorStatus(ctx, "m1", engine.StatusFailed, time.Now()))
	var evs []engine.Event
	e.mustDo(200, "GET", "/api/v1/events", e.alice, nil).json(t, &evs)
	if len(evs) != 1 || evs[0].ID != "e1" {
		t.Errorf("alice's events %+v", evs)
	}
	var sm summary
	e.mustDo(200, "GET", "/api/v1/summary", e.alice, nil).json(t, &sm)
	if sm.Total != 1 || sm.Counts["failed"] != 1 {
		t.Errorf("summary %+v", sm)
	}
}

func drain(t *testing.T, e *env, zone string) []engine.QueueEntry {
	t.Helper()
	ctx := context.Background()
	es, err := e.st.ReadQueue(ctx, zone, 100)
	mustNil(t, err)
	var ids []string
	for _, x := range es {
		ids = append(ids, x.ID)
	}
	if len(ids) > 0 {
		mustNil(t, e.st.AckQueue(ctx, zone, ids...))
	}
	return es
}

func mustNil(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
