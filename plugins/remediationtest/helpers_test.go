package remediationtest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/hosttest"
)

// failedCtx is the trigger the tests react to.
var failedCtx = abi.CallContext{
	MonitorID: "m7", MonitorName: "api", Zone: "eu-1",
	ScheduledAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	Status:      "failed", PreviousStatus: "healthy", Message: "status 503",
	ReactionID: "r1", ReactionName: "fix api",
}

type obj = map[string]any

// plugin is one reaction plugin loaded in a real host.
type plugin struct {
	h    *host.Host
	name string
}

func load(t *testing.T, name string) *plugin {
	t.Helper()
	return &plugin{h: hosttest.New(t, name), name: name}
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

// with returns a copy of o with k set to v (or removed when v is nil).
func with(o obj, k string, v any) obj {
	c := obj{}
	for kk, vv := range o {
		c[kk] = vv
	}
	if v == nil {
		delete(c, k)
	} else {
		c[k] = v
	}
	return c
}

// call runs the reaction; a host error (config refused, trap) still
// yields the output the host records.
func (p *plugin) call(t *testing.T, cfg obj, secrets map[string]string, cc abi.CallContext) abi.Output {
	t.Helper()
	out, _, _ := p.h.Call(ctxT(t), host.Call{Plugin: p.name, Kind: abi.KindReaction, Input: abi.Input{
		Config: mustJSON(t, cfg), Secrets: secrets, Context: cc,
	}})
	return out
}

// expect runs the reaction and wants status and every fragment in its
// message.
func (p *plugin) expect(t *testing.T, cfg obj, secrets map[string]string, status string, fragments ...string) abi.Output {
	t.Helper()
	out := p.call(t, cfg, secrets, failedCtx)
	t.Logf("%s: %s %q", p.name, out.Status, out.Message)
	if out.Status != status {
		t.Fatalf("%s %s: got %s %q; want %s", p.name, mustJSON(t, cfg), out.Status, out.Message, status)
	}
	for _, f := range fragments {
		if !strings.Contains(out.Message, f) {
			t.Errorf("%s: message %q: want %q", p.name, out.Message, f)
		}
	}
	return out
}

// invalid asks the host to validate cfg (schema, then the plugin's own
// Validate) and fails unless an error names field.
func (p *plugin) invalid(t *testing.T, cfg obj, field string) {
	t.Helper()
	errs, err := p.h.Validate(ctxT(t), p.name, "", mustJSON(t, cfg))
	if err != nil {
		t.Fatalf("%s: validate: %v", p.name, err)
	}
	for _, e := range errs {
		if e.Field == field || strings.HasPrefix(e.Message, field+":") || strings.Contains(e.Message, "\n"+field+":") {
			return
		}
	}
	t.Errorf("%s: config %s: errors %+v do not name %q", p.name, mustJSON(t, cfg), errs, field)
}

// valid fails unless cfg passes validation.
func (p *plugin) valid(t *testing.T, cfg obj) {
	t.Helper()
	errs, err := p.h.Validate(ctxT(t), p.name, "", mustJSON(t, cfg))
	if err != nil || len(errs) > 0 {
		t.Errorf("%s: config %s: got %+v, %v; want valid", p.name, mustJSON(t, cfg), errs, err)
	}
}
