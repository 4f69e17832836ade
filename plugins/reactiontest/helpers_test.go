package reactiontest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/hosttest"
)

// failedCtx is the trigger most tests react to.
var failedCtx = abi.CallContext{
	MonitorID: "m7", MonitorName: "api", Zone: "eu-1",
	ScheduledAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	Status:      "failed", PreviousStatus: "healthy", Message: "status 503",
	ReactionID: "r1", ReactionName: "page on-call",
}

// healthyCtx is the recovery of failedCtx.
var healthyCtx = abi.CallContext{
	MonitorID: "m7", MonitorName: "api", Zone: "eu-1",
	ScheduledAt: time.Date(2026, 1, 2, 3, 9, 5, 0, time.UTC),
	Status:      "healthy", PreviousStatus: "failed", Message: "status 200",
	ReactionID: "r1", ReactionName: "page on-call",
}

// plugin is one reaction plugin loaded in a real host, bound to the
// test that loaded it.
type plugin struct {
	*hosttest.Plugin
	t *testing.T
}

func load(t *testing.T, name string) *plugin {
	t.Helper()
	return &plugin{Plugin: hosttest.Load(t, name), t: t}
}

// call runs the reaction and returns its output. A host error (bad
// config, trap) still yields the output the host records.
func (p *plugin) call(cfg map[string]any, secrets map[string]string, cc abi.CallContext) (abi.Output, error) {
	p.t.Helper()
	return p.Call(p.t, cfg, secrets, cc)
}

// ok runs the reaction and fails the test unless it reports ok.
func (p *plugin) ok(cfg map[string]any, secrets map[string]string, cc abi.CallContext) abi.Output {
	p.t.Helper()
	out, err := p.call(cfg, secrets, cc)
	if err != nil || out.Status != abi.StatusOK {
		p.t.Fatalf("%s: got %+v, %v; want ok", p.Name, out, err)
	}
	return out
}

// failed runs the reaction and fails the test unless it reports failed
// with a message containing every want.
func (p *plugin) failed(cfg map[string]any, secrets map[string]string, cc abi.CallContext, want ...string) abi.Output {
	p.t.Helper()
	return p.ExpectAs(p.t, cc, cfg, secrets, abi.StatusFailed, want...)
}

func (p *plugin) invalid(cfg map[string]any, field string) {
	p.t.Helper()
	p.Invalid(p.t, cfg, field)
}

func (p *plugin) valid(cfg map[string]any) {
	p.t.Helper()
	p.Valid(p.t, cfg)
}

// request is what the fake provider received.
type request struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
	Host                   string
}

// provider is a local fake of a provider's API. handle checks one
// request and answers it; a check that fails should answer with the
// status and body the real provider would, so the plugin's error path
// is exercised too. Every request is recorded.
type provider struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []request
}

func newProvider(t *testing.T, handle func(w http.ResponseWriter, r request)) *provider {
	t.Helper()
	p := &provider{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rec := request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: b, Host: r.Host}
		p.mu.Lock()
		p.reqs = append(p.reqs, rec)
		p.mu.Unlock()
		handle(w, rec)
	}))
	t.Cleanup(p.Close)
	return p
}

// requests returns what was received so far.
func (p *provider) requests() []request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]request(nil), p.reqs...)
}

func (p *provider) reset() {
	p.mu.Lock()
	p.reqs = nil
	p.mu.Unlock()
}

// reply writes a JSON answer.
func reply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// decodeJSON decodes a request body into a generic value for comparison.
func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("body %q: %v", b, err)
	}
	return v
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
