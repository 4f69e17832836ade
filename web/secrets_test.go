package web

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/runbookhq/runbook/engine/secret"
)

// The plaintext used below: it must never come back from the web.
const plainSecret = "https://hooks.slack.test/services/T0/B0/PLAINTEXT-a1b2c3"

// lockedBuf collects log output from handler goroutines.
type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newSecretEnv(t *testing.T) (*env, *secret.Box, *lockedBuf) {
	t.Helper()
	box, err := secret.NewBox(bytes.Repeat([]byte{7}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuf{}
	e := newEnvWith(t, func(c *Config) {
		c.Secrets = box
		c.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	return e, box, logs
}

func noPlain(t *testing.T, where string, b []byte) {
	t.Helper()
	if bytes.Contains(b, []byte("PLAINTEXT-a1b2c3")) {
		t.Errorf("%s shows the secret value: %s", where, b)
	}
	if bytes.Contains(b, []byte("rbsec1:")) {
		t.Errorf("%s shows the sealed value: %s", where, b)
	}
}

func TestSecretsAreWriteOnlyAndSealed(t *testing.T) {
	e, box, logs := newSecretEnv(t)
	ctx := context.Background()
	r := e.mustDo(201, "POST", "/api/v1/reactions", e.alice, map[string]any{
		"id": "r1", "name": "Slack", "plugin": "webhook", "config": map[string]any{"url": "https://example.com"},
		"secrets": map[string]string{"slack_webhook": plainSecret, "backup": "other-PLAINTEXT-a1b2c3"},
	})
	noPlain(t, "create response", r.Body)
	var got struct {
		SecretNames []string `json:"secret_names"`
	}
	r.json(t, &got)
	if strings.Join(got.SecretNames, ",") != "backup,slack_webhook" {
		t.Fatalf("secret_names %v, want sorted [backup slack_webhook]", got.SecretNames)
	}

	// Stored sealed: the object, and the raw bolt file, hold no plaintext.
	stored, err := e.st.GetReaction(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	if stored.SealedSecrets == "" || strings.Contains(stored.SealedSecrets, "PLAINTEXT") {
		t.Fatalf("stored sealed value %q", stored.SealedSecrets)
	}
	if v, err := box.Open(stored.SealedSecrets); err != nil || v["slack_webhook"] != plainSecret {
		t.Fatalf("sealed value opens to %v, %v", v, err)
	}
	raw, err := os.ReadFile(e.st.Path())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("PLAINTEXT-a1b2c3")) {
		t.Fatal("the bolt file holds the secret in the clear")
	}

	// An edit without secrets keeps them; the exported form (names only)
	// applies as is; "" deletes one; a new value replaces one.
	r = e.mustDo(200, "GET", "/api/v1/reactions/r1", e.alice, nil)
	noPlain(t, "get", r.Body)
	var echo map[string]any
	r.json(t, &echo)
	echo["name"] = "Slack ops"
	noPlain(t, "update", e.mustDo(200, "PUT", "/api/v1/reactions/r1", e.alice, echo).Body)
	after, _ := e.st.GetReaction(ctx, "r1")
	if v, _ := box.Open(after.SealedSecrets); len(v) != 2 || after.Name != "Slack ops" {
		t.Fatalf("edit without secrets: %d secrets, name %q", len(v), after.Name)
	}
	echo["secrets"] = map[string]string{"backup": "", "slack_webhook": plainSecret + "-2"}
	e.mustDo(200, "PUT", "/api/v1/reactions/r1", e.alice, echo)
	after, _ = e.st.GetReaction(ctx, "r1")
	if v, _ := box.Open(after.SealedSecrets); len(v) != 1 || v["slack_webhook"] != plainSecret+"-2" {
		t.Fatalf("after delete+replace: %v", v)
	}

	// A client cannot plant a sealed value.
	echo["sealed_secrets"] = stored.SealedSecrets
	r = e.mustDo(400, "PUT", "/api/v1/reactions/r1", e.alice, echo)
	if f := r.errFields(); len(f) != 1 || f[0] != "sealed_secrets" {
		t.Errorf("planted sealed value: fields %v", f)
	}

	// Monitors too.
	r = e.mustDo(201, "POST", "/api/v1/monitors", e.alice, map[string]any{
		"id": "m1", "name": "M", "check": "http-status", "interval": "1m",
		"config": map[string]any{"url": "https://example.com"}, "secrets": map[string]string{"api": plainSecret},
	})
	noPlain(t, "monitor create", r.Body)
	for _, path := range []string{"/api/v1/monitors", "/api/v1/monitors/m1", "/api/v1/reactions", "/api/v1/audit"} {
		r = e.mustDo(200, "GET", path, e.alice, nil)
		noPlain(t, path, r.Body)
		if path != "/api/v1/audit" && !strings.Contains(string(r.Body), `"secret_names":[`) {
			t.Errorf("%s lists no secret_names: %s", path, r.Body)
		}
	}
	if !strings.Contains(string(e.mustDo(200, "GET", "/api/v1/audit", e.alice, nil).Body), "secrets.slack_webhook") {
		t.Error("audit does not name the changed secret")
	}
	m, _ := e.st.GetMonitor(ctx, "m1")
	if v, _ := box.Open(m.SealedSecrets); v["api"] != plainSecret {
		t.Errorf("monitor secret %v", v)
	}

	// Another account sees neither values nor names.
	for _, path := range []string{"/api/v1/reactions/r1", "/api/v1/monitors/m1"} {
		r = e.mustDo(404, "GET", path, e.bob, nil)
		if strings.Contains(string(r.Body), "slack_webhook") || strings.Contains(string(r.Body), `"api"`) {
			t.Errorf("bob sees names at %s: %s", path, r.Body)
		}
	}
	for _, path := range []string{"/api/v1/reactions", "/api/v1/monitors", "/api/v1/audit"} {
		if b := e.mustDo(200, "GET", path, e.bob, nil).Body; strings.Contains(string(b), "slack_webhook") {
			t.Errorf("bob's %s shows alice's secret names: %s", path, b)
		}
	}

	// The OpenAPI document and the logs never carry a value.
	noPlain(t, "openapi.json", e.mustDo(200, "GET", "/api/v1/openapi.json", "", nil).Body)
	noPlain(t, "logs", []byte(logs.String()))
}

func TestSecretsNeedAKeyAndValidNames(t *testing.T) {
	e := newEnv(t) // no Box
	r := e.mustDo(400, "POST", "/api/v1/reactions", e.alice, map[string]any{
		"name": "x", "plugin": "webhook", "config": map[string]any{"url": "https://example.com"},
		"secrets": map[string]string{"k": "v"},
	})
	if f := r.errFields(); len(f) != 1 || f[0] != "secrets" || !strings.Contains(string(r.Body), "RUNBOOK_SECRET_KEY") {
		t.Errorf("no key: %s", r.Body)
	}
	e2, _, _ := newSecretEnv(t)
	r = e2.mustDo(400, "POST", "/api/v1/reactions", e2.alice, map[string]any{
		"name": "x", "plugin": "webhook", "config": map[string]any{"url": "https://example.com"},
		"secrets": map[string]string{"bad name/": "PLAINTEXT-a1b2c3"},
	})
	noPlain(t, "bad name error", r.Body)
	if f := r.errFields(); len(f) != 1 || f[0] != "secrets" {
		t.Errorf("bad name: %s", r.Body)
	}
}

// The generated form offers a masked input for the secret a "*_secret"
// field names, sets it, keeps it when left blank, and never shows it.
func TestSecretsInTheGeneratedForm(t *testing.T) {
	e, box, _ := newSecretEnv(t)
	b := e.browser()
	b.login("alice@example.com", "password-u-alice")
	_, body := b.get("/reactions/new?plugin=webhook")
	if !strings.Contains(body, `name="secret.webhook_secret" type="password"`) || !strings.Contains(body, "<code>slack_webhook</code>") {
		t.Fatalf("form has no secret input for webhook_secret: %s", body)
	}
	code, body := b.post("/reactions/new", url.Values{"id": {"r1"}, "name": {"n"}, "plugin": {"webhook"}, "call_on": {"failed"},
		"trigger": {"1"}, "config.url": {"https://example.com"}, "config.webhook_secret": {"slack_webhook"},
		"secret.webhook_secret": {plainSecret}})
	if code != 200 {
		t.Fatalf("create: %d %s", code, body)
	}
	r, _ := e.st.GetReaction(context.Background(), "r1")
	if v, _ := box.Open(r.SealedSecrets); v["slack_webhook"] != plainSecret {
		t.Fatalf("form secret not stored: %v", v)
	}
	_, body = b.get("/reactions/r1/edit")
	noPlain(t, "edit form", []byte(body))
	if !strings.Contains(body, "set: leave blank to keep") {
		t.Errorf("edit form does not say the secret is set")
	}
	code, _ = b.post("/reactions/r1/edit", url.Values{"name": {"n2"}, "plugin": {"webhook"}, "call_on": {"failed"},
		"trigger": {"1"}, "config.url": {"https://example.com"}, "config.webhook_secret": {"slack_webhook"}})
	r, _ = e.st.GetReaction(context.Background(), "r1")
	if v, _ := box.Open(r.SealedSecrets); code != 200 || v["slack_webhook"] != plainSecret || r.Name != "n2" {
		t.Fatalf("blank secret input: %d, %v %q", code, v, r.Name)
	}
	for _, p := range []string{"/reactions", "/audit"} {
		_, body = b.get(p)
		noPlain(t, p, []byte(body))
	}
	var list []map[string]any
	_ = json.Unmarshal(e.mustDo(200, "GET", "/api/v1/reactions", e.alice, nil).Body, &list)
	if len(list) != 1 || list[0]["config"].(map[string]any)["webhook_secret"] != "slack_webhook" {
		t.Errorf("a *_secret field names a secret and is shown as is: %v", list)
	}
}
