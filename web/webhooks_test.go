package web

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "webhooks", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func formEncode(field string, v []byte) string {
	return url.Values{field: {string(v)}}.Encode()
}

// webhookMonitor creates a webhook monitor for alice and returns its token.
func (e *env) webhookMonitor(id string, kind engine.MonitorKind, zones ...string) string {
	e.t.Helper()
	if zones == nil {
		zones = []string{"z1"}
	}
	var out monitorSaved
	e.mustDo(201, "POST", "/api/v1/monitors", e.alice, map[string]any{"id": id, "name": "hook " + id, "kind": kind, "interval": "1m", "zones": zones}).json(e.t, &out)
	if out.Webhook == nil || len(out.Webhook.Token) < 32 {
		e.t.Fatalf("no webhook token issued: %+v", out)
	}
	drain(e.t, e, "z1")
	drain(e.t, e, "z2")
	return out.Webhook.Token
}

// raw sends body with a content type and headers, no API token.
func (e *env) raw(method, path, contentType string, body []byte, hdr ...string) resp {
	e.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(string(body)))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := e.s.App().Test(req, 10_000)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{Code: res.StatusCode, Body: b}
}

// queuedResult returns the one result queued for zone, or fails.
func queuedResult(t *testing.T, e *env, zone string) engine.Result {
	t.Helper()
	es := drain(t, e, zone)
	if len(es) != 1 || es[0].Op != engine.OpResult {
		t.Fatalf("zone %s queue %v, want one result", zone, es)
	}
	var r engine.Result
	mustNil(t, json.Unmarshal(es[0].Payload, &r))
	return r
}

func TestWebhookGeneric(t *testing.T) {
	e := newEnv(t)
	tok := e.webhookMonitor("deploy", engine.KindWebhook, "z1", "z2")
	base := "/api/v1/webhooks/deploy/" + tok

	r := e.raw("POST", base, "application/json", []byte(`{"status":"failed","message":"deploy broke"}`))
	if r.Code != 202 {
		t.Fatalf("generic failed: %d %s", r.Code, r.Body)
	}
	for _, z := range []string{"z1", "z2"} {
		res := queuedResult(t, e, z)
		if res.Source != engine.SourceWebhook || res.Status != engine.StatusFailed || res.Message != "deploy broke" || res.Zone != z || res.MonitorID != "deploy" {
			t.Errorf("zone %s: %+v", z, res)
		}
	}
	// GET with the action in the path.
	if r := e.raw("GET", base+"/healthy?message=ok", "", nil); r.Code != 202 {
		t.Fatalf("GET healthy: %d %s", r.Code, r.Body)
	}
	if res := queuedResult(t, e, "z1"); res.Status != engine.StatusHealthy || res.Message != "ok" {
		t.Errorf("GET healthy queued %+v", res)
	}
	drain(t, e, "z2")
	// Form bodies work too.
	if r := e.raw("POST", base, "application/x-www-form-urlencoded", []byte("status=healthy")); r.Code != 202 {
		t.Errorf("form body: %d %s", r.Code, r.Body)
	}
	drain(t, e, "z1")
	drain(t, e, "z2")

	// status reports state and counts, queues nothing.
	mustNil(t, e.st.AddHistory(t.Context(), engine.Result{ID: "h1", MonitorID: "deploy", Zone: "z1", Source: engine.SourceWebhook, Status: engine.StatusFailed, FinishedAt: time.Now()}))
	r = e.raw("GET", base+"/status", "", nil)
	var st struct {
		Status engine.Status         `json:"status"`
		Counts map[engine.Status]int `json:"counts_24h"`
	}
	r.json(t, &st)
	if r.Code != 200 || st.Status != engine.StatusPending || st.Counts[engine.StatusFailed] != 1 {
		t.Errorf("status: %d %s", r.Code, r.Body)
	}
	if es := drain(t, e, "z1"); len(es) != 0 {
		t.Errorf("status queued %v", es)
	}

	for _, tc := range []struct {
		name, path, ct, body string
		code                 int
	}{
		{"wrong token", "/api/v1/webhooks/deploy/" + strings.Repeat("A", len(tok)), "application/json", `{"status":"failed"}`, 404},
		{"unknown monitor", "/api/v1/webhooks/nope/" + tok, "application/json", `{"status":"failed"}`, 404},
		{"bad status", base, "application/json", `{"status":"sideways"}`, 400},
		{"malformed", base, "application/json", `{"status":`, 400},
		{"unknown action", base + "/explode", "", "", 404},
	} {
		r := e.raw("POST", tc.path, tc.ct, []byte(tc.body))
		if r.Code != tc.code {
			t.Errorf("%s: %d %s, want %d", tc.name, r.Code, r.Body, tc.code)
		}
	}
	// Wrong token and unknown monitor get the same answer.
	a := e.raw("POST", "/api/v1/webhooks/deploy/x", "application/json", []byte(`{"status":"failed"}`))
	b := e.raw("POST", "/api/v1/webhooks/nope/x", "application/json", []byte(`{"status":"failed"}`))
	if string(a.Body) != string(b.Body) {
		t.Errorf("answers differ: %s vs %s", a.Body, b.Body)
	}
	if es := drain(t, e, "z1"); len(es) != 0 {
		t.Errorf("refused requests queued %v", es)
	}
}

func TestWebhookTokenRotation(t *testing.T) {
	e := newEnv(t)
	old := e.webhookMonitor("deploy", engine.KindWebhook)
	var w webhookIssued
	e.mustDo(200, "POST", "/api/v1/monitors/deploy/webhook/rotate", e.alice, nil).json(t, &w)
	if w.Token == old || len(w.Token) < 32 {
		t.Fatalf("rotated token %q", w.Token)
	}
	if r := e.raw("GET", "/api/v1/webhooks/deploy/"+old+"/failed", "", nil); r.Code != 404 {
		t.Errorf("old token still works: %d", r.Code)
	}
	if r := e.raw("GET", "/api/v1/webhooks/deploy/"+w.Token+"/failed", "", nil); r.Code != 202 {
		t.Errorf("new token refused: %d %s", r.Code, r.Body)
	}
	// The stored secret is a hash, not the token.
	ws, err := e.st.GetWebhookSecret(t.Context(), "deploy")
	mustNil(t, err)
	if strings.Contains(ws.TokenHash, w.Token) || ws.TokenHash != HashToken(w.Token) {
		t.Errorf("stored %q", ws.TokenHash)
	}
	// Settings never show secrets.
	e.mustDo(200, "PUT", "/api/v1/monitors/deploy/webhook", e.alice, map[string]any{"pagerduty_secret": "pd-secret"})
	g := e.mustDo(200, "GET", "/api/v1/monitors/deploy/webhook", e.alice, nil)
	if strings.Contains(string(g.Body), "pd-secret") || !strings.Contains(string(g.Body), `"pagerduty_secret_set":true`) {
		t.Errorf("settings %s", g.Body)
	}
	if r := e.do("PUT", "/api/v1/monitors/deploy/webhook", e.alice, map[string]any{"travis_public_key": "not pem"}); r.Code != 400 || !contains(r.errFields(), "travis_public_key") {
		t.Errorf("bad travis key: %d %s", r.Code, r.Body)
	}
}

func TestHeartbeat(t *testing.T) {
	e := newEnv(t)
	tok := e.webhookMonitor("cron", engine.KindHeartbeat)
	if r := e.raw("GET", "/api/v1/heartbeats/cron/"+tok, "", nil); r.Code != 202 {
		t.Fatalf("ping: %d %s", r.Code, r.Body)
	}
	res := queuedResult(t, e, "z1")
	if !res.IsPing() {
		t.Errorf("ping queued %+v, want a healthy heartbeat result", res)
	}
	wtok := e.webhookMonitor("plain", engine.KindWebhook)
	if r := e.raw("POST", "/api/v1/heartbeats/plain/"+wtok, "", nil); r.Code != 400 {
		t.Errorf("heartbeat to a webhook monitor: %d", r.Code)
	}
	// A paused monitor ignores pings.
	e.mustDo(200, "POST", "/api/v1/monitors/cron/pause", e.alice, nil)
	drain(t, e, "z1")
	if r := e.raw("POST", "/api/v1/heartbeats/cron/"+tok, "", nil); r.Code != 202 || !strings.Contains(string(r.Body), "paused") {
		t.Errorf("ping while paused: %d %s", r.Code, r.Body)
	}
	if es := drain(t, e, "z1"); len(es) != 0 {
		t.Errorf("paused monitor queued %v", es)
	}
}

// Every provider fixture, through the HTTP endpoint, to the queue.
func TestIntegrationFixtures(t *testing.T) {
	e := newEnv(t)
	tok := e.webhookMonitor("svc", engine.KindWebhook)
	for _, tc := range []struct {
		provider, file, ct, field, query string
		want                             engine.Status // "" = ignored
		msg                              string
	}{
		{"datadog", "datadog_triggered.json", "application/json", "", "", engine.StatusFailed, "CPU usage high"},
		{"datadog", "datadog_recovered.json", "application/json", "", "", engine.StatusHealthy, "Recovered"},
		{"datadog", "datadog_nodata.json", "application/json", "", "", engine.StatusFailed, "No Data"},
		{"datadog", "datadog_warn.json", "application/json", "", "", "", ""},
		{"pagerduty", "pagerduty_triggered.json", "application/json", "", "", engine.StatusFailed, "A little bump"},
		{"pagerduty", "pagerduty_resolved.json", "application/json", "", "", engine.StatusHealthy, "incident.resolved"},
		{"pagerduty", "pagerduty_acknowledged.json", "application/json", "", "", "", ""},
		{"travis", "travis_broken.json", "application/x-www-form-urlencoded", "payload", "", engine.StatusFailed, "example/shop"},
		{"travis", "travis_fixed.json", "application/x-www-form-urlencoded", "payload", "", engine.StatusHealthy, "Fixed"},
		{"travis", "travis_pending.json", "application/x-www-form-urlencoded", "payload", "", "", ""},
		{"papertrail", "papertrail_events.json", "application/x-www-form-urlencoded", "payload", "", engine.StatusFailed, "matched 2 events"},
		{"papertrail", "papertrail_counts.json", "application/x-www-form-urlencoded", "payload", "", engine.StatusFailed, "matched 6 events"},
		{"papertrail", "papertrail_events.json", "application/x-www-form-urlencoded", "payload", "?status=healthy", engine.StatusHealthy, "Segfaults"},
		{"slack", "slack_slash_failed.txt", "application/x-www-form-urlencoded", "", "", engine.StatusFailed, "checkout is throwing 500s"},
		{"slack", "slack_outgoing_healthy.txt", "application/x-www-form-urlencoded", "", "", engine.StatusHealthy, "fixed by rollback"},
	} {
		t.Run(tc.file+tc.query, func(t *testing.T) {
			body := fixture(t, tc.file)
			if tc.field != "" {
				body = []byte(formEncode(tc.field, body))
			}
			r := e.raw("POST", "/api/v1/integrations/"+tc.provider+"/svc/"+tok+tc.query, tc.ct, body)
			if r.Code != 202 {
				t.Fatalf("%d %s", r.Code, r.Body)
			}
			if tc.want == "" {
				if !strings.Contains(string(r.Body), `"queued":false`) {
					t.Errorf("want ignored, got %s", r.Body)
				}
				if es := drain(t, e, "z1"); len(es) != 0 {
					t.Errorf("ignored payload queued %v", es)
				}
				return
			}
			res := queuedResult(t, e, "z1")
			if res.Status != tc.want || !strings.Contains(res.Message, tc.msg) || !strings.HasPrefix(res.Message, tc.provider+": ") {
				t.Errorf("queued %s %q, want %s containing %q", res.Status, res.Message, tc.want, tc.msg)
			}
		})
	}
	if r := e.raw("POST", "/api/v1/integrations/nagios/svc/"+tok, "application/json", []byte("{}")); r.Code != 404 {
		t.Errorf("unknown provider: %d", r.Code)
	}
	if r := e.raw("POST", "/api/v1/integrations/datadog/svc/wrong", "application/json", fixture(t, "datadog_triggered.json")); r.Code != 404 {
		t.Errorf("wrong token: %d", r.Code)
	}
}

func TestPagerDutySignature(t *testing.T) {
	e := newEnv(t)
	tok := e.webhookMonitor("svc", engine.KindWebhook)
	e.mustDo(200, "PUT", "/api/v1/monitors/svc/webhook", e.alice, map[string]any{"pagerduty_secret": "whsec-test"})
	body := fixture(t, "pagerduty_triggered.json")
	sign := func(secret string, b []byte) string {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write(b)
		return "v1=" + hex.EncodeToString(m.Sum(nil))
	}
	path := "/api/v1/integrations/pagerduty/svc/" + tok
	for _, tc := range []struct {
		name, sig string
		code      int
	}{
		{"no signature", "", 401},
		{"wrong secret", sign("other", body), 401},
		{"right", sign("whsec-test", body), 202},
		{"one of several (rotation)", sign("old", body) + ", " + sign("whsec-test", body), 202},
	} {
		hdr := []string{}
		if tc.sig != "" {
			hdr = []string{"X-PagerDuty-Signature", tc.sig}
		}
		r := e.raw("POST", path, "application/json", body, hdr...)
		if r.Code != tc.code {
			t.Errorf("%s: %d %s, want %d", tc.name, r.Code, r.Body, tc.code)
		}
	}
	// A signed body changed in flight is refused.
	tampered := []byte(strings.Replace(string(body), "triggered", "resolved", 1))
	if r := e.raw("POST", path, "application/json", tampered, "X-PagerDuty-Signature", sign("whsec-test", body)); r.Code != 401 {
		t.Errorf("tampered body: %d", r.Code)
	}
}

func TestTravisSignature(t *testing.T) {
	e := newEnv(t)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	mustNil(t, err)
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	mustNil(t, err)
	pub := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	tok := e.webhookMonitor("build", engine.KindWebhook)
	e.mustDo(200, "PUT", "/api/v1/monitors/build/webhook", e.alice, map[string]any{"travis_public_key": pub})

	payload := fixture(t, "travis_broken.json")
	sum := sha1.Sum(payload)
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA1, sum[:])
	mustNil(t, err)
	body := []byte(formEncode("payload", payload))
	path := "/api/v1/integrations/travis/build/" + tok
	ct := "application/x-www-form-urlencoded"
	if r := e.raw("POST", path, ct, body, "Signature", base64.StdEncoding.EncodeToString(sig)); r.Code != 202 {
		t.Fatalf("signed: %d %s", r.Code, r.Body)
	}
	if r := e.raw("POST", path, ct, body); r.Code != 401 {
		t.Errorf("unsigned: %d", r.Code)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	bad, _ := rsa.SignPKCS1v15(rand.Reader, other, crypto.SHA1, sum[:])
	if r := e.raw("POST", path, ct, body, "Signature", base64.StdEncoding.EncodeToString(bad)); r.Code != 401 {
		t.Errorf("signed by another key: %d", r.Code)
	}
	// The deployment-wide key applies to monitors without their own.
	e.s.cfg.TravisPublicKeys = []string{pub}
	tok2 := e.webhookMonitor("build2", engine.KindWebhook)
	if r := e.raw("POST", "/api/v1/integrations/travis/build2/"+tok2, ct, body); r.Code != 401 {
		t.Errorf("unsigned with a deployment key: %d", r.Code)
	}
}

func TestSlackSignature(t *testing.T) {
	e := newEnv(t)
	tok := e.webhookMonitor("chat", engine.KindWebhook)
	e.mustDo(200, "PUT", "/api/v1/monitors/chat/webhook", e.alice, map[string]any{"slack_signing_secret": "8f742231b10e8888abcd99yyyzzz85a5", "slack_token": "gIkuvaNzQIHg97ATvDxqgjtO"})
	body := fixture(t, "slack_slash_failed.txt")
	sign := func(ts string) string {
		m := hmac.New(sha256.New, []byte("8f742231b10e8888abcd99yyyzzz85a5"))
		m.Write([]byte("v0:" + ts + ":"))
		m.Write(body)
		return "v0=" + hex.EncodeToString(m.Sum(nil))
	}
	now := strconv.FormatInt(time.Now().Unix(), 10)
	old := strconv.FormatInt(time.Now().Add(-10*time.Minute).Unix(), 10)
	path := "/api/v1/integrations/slack/chat/" + tok
	ct := "application/x-www-form-urlencoded"
	for _, tc := range []struct {
		name, ts, sig string
		code          int
	}{
		{"signed now", now, sign(now), 202},
		{"replayed later", old, sign(old), 401},
		{"wrong signature", now, sign(old), 401},
		{"unsigned", "", "", 401},
	} {
		r := e.raw("POST", path, ct, body, "X-Slack-Request-Timestamp", tc.ts, "X-Slack-Signature", tc.sig)
		if r.Code != tc.code {
			t.Errorf("%s: %d %s, want %d", tc.name, r.Code, r.Body, tc.code)
		}
	}
	// The verification token is checked too.
	e.mustDo(200, "PUT", "/api/v1/monitors/chat/webhook", e.alice, map[string]any{"slack_signing_secret": "", "slack_token": "another"})
	if r := e.raw("POST", path, ct, body); r.Code != 401 {
		t.Errorf("wrong verification token: %d", r.Code)
	}
}
