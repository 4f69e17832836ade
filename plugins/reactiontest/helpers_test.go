package reactiontest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host"
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

// plugin is one reaction plugin loaded in a real host.
type plugin struct {
	t    *testing.T
	h    *host.Host
	name string
}

func load(t *testing.T, name string) *plugin {
	t.Helper()
	return &plugin{t: t, h: hosttest.New(t, name), name: name}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func mustJSON(t testing.TB, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// call runs the reaction and returns its output. A host error (bad
// config, trap) still yields the output the host records.
func (p *plugin) call(cfg map[string]any, secrets map[string]string, cc abi.CallContext) (abi.Output, error) {
	p.t.Helper()
	out, _, err := p.h.Call(ctxT(p.t), host.Call{Plugin: p.name, Kind: abi.KindReaction, Input: abi.Input{
		Config: mustJSON(p.t, cfg), Secrets: secrets, Context: cc,
	}})
	return out, err
}

// ok runs the reaction and fails the test unless it reports ok.
func (p *plugin) ok(cfg map[string]any, secrets map[string]string, cc abi.CallContext) abi.Output {
	p.t.Helper()
	out, err := p.call(cfg, secrets, cc)
	if err != nil || out.Status != abi.StatusOK {
		p.t.Fatalf("%s: got %+v, %v; want ok", p.name, out, err)
	}
	return out
}

// failed runs the reaction and fails the test unless it reports failed
// with a message containing every want.
func (p *plugin) failed(cfg map[string]any, secrets map[string]string, cc abi.CallContext, want ...string) abi.Output {
	p.t.Helper()
	out, _ := p.call(cfg, secrets, cc)
	if out.Status != abi.StatusFailed {
		p.t.Fatalf("%s: got %+v; want failed", p.name, out)
	}
	for _, w := range want {
		if !strings.Contains(out.Message, w) {
			p.t.Errorf("%s: message %q does not mention %q", p.name, out.Message, w)
		}
	}
	return out
}

// invalid asks the host to validate cfg (schema, then the plugin's
// Validate) and fails unless some error names field.
func (p *plugin) invalid(cfg map[string]any, field string) {
	p.t.Helper()
	errs, err := p.h.Validate(ctxT(p.t), p.name, "", mustJSON(p.t, cfg))
	if err != nil {
		p.t.Fatalf("%s: validate: %v", p.name, err)
	}
	for _, e := range errs {
		if e.Field == field || strings.HasPrefix(e.Message, field+":") || strings.Contains(e.Message, "\n"+field+":") {
			return
		}
	}
	p.t.Errorf("%s: config %v: errors %+v do not name %q", p.name, cfg, errs, field)
}

// valid fails unless cfg passes validation.
func (p *plugin) valid(cfg map[string]any) {
	p.t.Helper()
	errs, err := p.h.Validate(ctxT(p.t), p.name, "", mustJSON(p.t, cfg))
	if err != nil || len(errs) > 0 {
		p.t.Errorf("%s: config %v: got %+v, %v; want valid", p.name, cfg, errs, err)
	}
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
