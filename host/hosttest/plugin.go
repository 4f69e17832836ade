package hosttest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
)

// Plugin is one plugin loaded in a real host, with the calls a plugin's
// table tests make: run it on a config and want a status, or ask the host
// to validate a config. Every call has a 30 s deadline.
type Plugin struct {
	Host *host.Host
	Name string
	// Context is what Expect calls with: the monitor (and, for a
	// reaction, the trigger) the plugin sees. Load sets monitor "m1".
	Context abi.CallContext
}

// Load builds plugins/NAME and loads it in a host that t closes.
func Load(t testing.TB, name string) *Plugin {
	t.Helper()
	return &Plugin{Host: New(t, name), Name: name, Context: abi.CallContext{MonitorID: "m1"}}
}

func callCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// JSON encodes v or fails t.
func JSON(t testing.TB, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Call runs the plugin on cfg (any value encoding/json takes) with
// secrets, as the monitor or trigger cc. A host error (config refused,
// trap, deadline) comes back with the output the host records for it.
func (p *Plugin) Call(t testing.TB, cfg any, secrets map[string]string, cc abi.CallContext) (abi.Output, error) {
	t.Helper()
	out, _, err := p.Host.Call(callCtx(t), host.Call{Plugin: p.Name, Input: abi.Input{
		Config: JSON(t, cfg), Secrets: secrets, Context: cc,
	}})
	return out, err
}

// Expect runs the plugin as p.Context and fails t unless the output has
// status and every fragment appears in its message.
func (p *Plugin) Expect(t testing.TB, cfg any, secrets map[string]string, status string, fragments ...string) abi.Output {
	t.Helper()
	return p.ExpectAs(t, p.Context, cfg, secrets, status, fragments...)
}

// ExpectAs is Expect as the monitor or trigger cc.
func (p *Plugin) ExpectAs(t testing.TB, cc abi.CallContext, cfg any, secrets map[string]string, status string, fragments ...string) abi.Output {
	t.Helper()
	out, err := p.Call(t, cfg, secrets, cc)
	if out.Status != status {
		t.Fatalf("%s %s: got %s %q (host error %v); want %s", p.Name, JSON(t, cfg), out.Status, out.Message, err, status)
	}
	for _, f := range fragments {
		if !strings.Contains(out.Message, f) {
			t.Errorf("%s: message %q: want %q", p.Name, out.Message, f)
		}
	}
	return out
}

// Invalid asks the host to validate cfg (the schema, then the plugin's
// own Validate) and fails t unless an error names field: as its Field,
// or as the "field:" its message starts a line with.
func (p *Plugin) Invalid(t testing.TB, cfg any, field string) {
	t.Helper()
	errs, err := p.Host.Validate(callCtx(t), p.Name, "", JSON(t, cfg))
	if err != nil {
		t.Fatalf("%s: validate: %v", p.Name, err)
	}
	for _, e := range errs {
		if namesField(e, field) {
			return
		}
	}
	t.Errorf("%s: config %s: errors %+v do not name %q", p.Name, JSON(t, cfg), errs, field)
}

func namesField(e abi.FieldError, field string) bool {
	if e.Field == field || strings.HasPrefix(e.Field, field+".") || strings.HasPrefix(e.Field, field+"[") {
		return true
	}
	for _, line := range strings.Split(e.Message, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), field+":") || strings.HasPrefix(strings.TrimSpace(line), field+"[") {
			return true
		}
	}
	return false
}

// Valid fails t unless cfg passes validation.
func (p *Plugin) Valid(t testing.TB, cfg any) {
	t.Helper()
	errs, err := p.Host.Validate(callCtx(t), p.Name, "", JSON(t, cfg))
	if err != nil || len(errs) > 0 {
		t.Errorf("%s: config %s: got %+v, %v; want valid", p.Name, JSON(t, cfg), errs, err)
	}
}

// Run runs the plugin as p.Context and fails t on a host error: for
// tests that look at the output themselves.
func (p *Plugin) Run(t testing.TB, cfg any, secrets map[string]string) abi.Output {
	t.Helper()
	out, err := p.Call(t, cfg, secrets, p.Context)
	if err != nil {
		t.Fatalf("%s: host error %v (output %+v)", p.Name, err, out)
	}
	return out
}
