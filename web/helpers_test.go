package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/store/bolt"
	"github.com/runbookhq/runbook/engine/store/bolt/bolttest"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
)

// fakePlugins stands in for *host.Host: two plugins with real-looking
// schemas, and a validator that refuses a config without "url".
type fakePlugins struct{}

const checkSchema = `{"type":"object","required":["url"],"properties":{
 "url":{"type":"string","description":"URL to request"},
 "codes":{"type":"array","items":{"type":"integer"},"default":[200]},
 "timeout":{"type":"number","default":10},
 "tls_verify":{"type":"boolean","default":true},
 "headers":{"type":"object","additionalProperties":{"type":"string"}},
 "api_token":{"type":"string","writeOnly":true}}}`

const reactionSchema = `{"type":"object","required":["url"],"properties":{
 "url":{"type":"string"},"secret":{"type":"string"},
 "webhook_secret":{"type":"string","default":"slack_webhook","description":"names the secret holding the webhook URL"}}}`

func (fakePlugins) Plugins() []host.PluginInfo {
	return []host.PluginInfo{
		{Name: "http-status", Version: "0.1.0", Kind: abi.KindCheck, Current: true,
			Manifest: abi.Manifest{Name: "http-status", Version: "0.1.0", Kind: abi.KindCheck, Config: json.RawMessage(checkSchema)}},
		{Name: "webhook", Version: "0.1.0", Kind: abi.KindReaction, Current: true,
			Manifest: abi.Manifest{Name: "webhook", Version: "0.1.0", Kind: abi.KindReaction, Config: json.RawMessage(reactionSchema)}},
	}
}

func (fakePlugins) Validate(_ context.Context, plugin, _ string, config json.RawMessage) ([]abi.FieldError, error) {
	if plugin != "http-status" && plugin != "webhook" {
		return nil, errors.New("plugin " + plugin + " not in plugins.lock")
	}
	var m map[string]any
	if err := json.Unmarshal(config, &m); err != nil {
		return []abi.FieldError{{Message: "config is not valid JSON"}}, nil
	}
	if u, _ := m["url"].(string); !strings.HasPrefix(u, "http") {
		return []abi.FieldError{{Field: "url", Message: "must be an http(s) URL"}}, nil
	}
	return nil, nil
}

// env is a web server on a fresh bolt store, with two users.
type env struct {
	t     *testing.T
	s     *Server
	st    *bolt.Store
	alice string // API tokens
	bob   string
	admin string
}

func newEnv(t *testing.T) *env { t.Helper(); return newEnvWith(t, nil) }

// newEnvWith lets a test change the Config before the server is built.
func newEnvWith(t *testing.T, change func(*Config)) *env {
	t.Helper()
	// No fsync: tests need no durability, and retention runs a
	// transaction per hour of history.
	st := bolttest.Open(t, bolt.WithNoSync())
	cfg := Config{Store: st, Zones: []string{"z1", "z2"}, Plugins: fakePlugins{}, BodyLimit: 64 << 10, PollInterval: 50 * time.Millisecond}
	if change != nil {
		change(&cfg)
	}
	s := New(cfg)
	t.Cleanup(s.live.close)
	e := &env{t: t, s: s, st: st}
	e.alice = e.addUser("u-alice", "alice@example.com", false, PlanFree)
	e.bob = e.addUser("u-bob", "bob@example.com", false, PlanFree)
	e.admin = e.addUser("u-admin", "admin@example.com", true, PlanUnlimited)
	return e
}

// cheapHash keeps tests fast: bcrypt at its minimum cost.
func cheapHash(pw string) string {
	h, _ := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	return string(h)
}

func (e *env) addUser(id, email string, admin bool, plan string) string {
	e.t.Helper()
	ctx := context.Background()
	if err := e.st.PutUser(ctx, store.User{ID: id, Email: email, PasswordHash: cheapHash("password-" + id), Admin: admin, Plan: plan, CreatedAt: time.Now()}); err != nil {
		e.t.Fatal(err)
	}
	tok, hash := NewToken()
	if err := e.st.PutToken(ctx, store.Token{Hash: hash, UserID: id, Name: "test", CreatedAt: time.Now()}); err != nil {
		e.t.Fatal(err)
	}
	return tok
}

type resp struct {
	Code int
	Body []byte
	H    http.Header
}

func (r resp) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.Body, err)
	}
}

// errCode is the "code" of an error body.
func (r resp) errCode() string {
	var b struct {
		Error apiError `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &b)
	return b.Error.Code
}

func (r resp) errFields() []string {
	var b struct {
		Error apiError `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &b)
	var out []string
	for _, f := range b.Error.Fields {
		out = append(out, f.Field)
	}
	return out
}

// do sends a request; body may be a string (sent as is) or a value (JSON).
func (e *env) do(method, path, token string, body any, hdr ...string) resp {
	e.t.Helper()
	var r io.Reader
	ct := "application/json"
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		r = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := e.s.App().Test(req, 10_000)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{Code: res.StatusCode, Body: b, H: res.Header}
}

func (e *env) mustDo(want int, method, path, token string, body any) resp {
	e.t.Helper()
	r := e.do(method, path, token, body)
	if r.Code != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Code, want, r.Body)
	}
	return r
}

// createMonitor makes a scheduled http-status monitor for token's user.
func (e *env) createMonitor(token, id string) {
	e.t.Helper()
	e.mustDo(201, "POST", "/api/v1/monitors", token, map[string]any{
		"id": id, "name": "Monitor " + id, "check": "http-status", "interval": "1m",
		"config": map[string]any{"url": "https://example.com/" + id, "api_token": "s3cret"},
	})
}

// listen serves the app on a loopback port until the test ends; needed
// where App().Test cannot go (body limits, streams, browsers).
func (e *env) listen() string {
	e.t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	go func() { _ = e.s.App().Listener(l) }()
	e.t.Cleanup(func() { e.s.live.close(); _ = e.s.App().ShutdownWithTimeout(2 * time.Second) })
	return "http://" + l.Addr().String()
}
