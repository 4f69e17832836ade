package checktest

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

// plugin is one check plugin loaded in a real host.
type plugin struct {
	h    *host.Host
	name string
}

func load(t *testing.T, name string) *plugin {
	t.Helper()
	return &plugin{h: hosttest.New(t, name), name: name}
}

func mustJSON(t testing.TB, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// call runs the check on cfg with secrets.
func (p *plugin) call(t *testing.T, cfg any, secrets map[string]string) abi.Output {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, _, err := p.h.Call(ctx, host.Call{Plugin: p.name, Kind: abi.KindCheck, Input: abi.Input{
		Config: mustJSON(t, cfg), Secrets: secrets, Context: abi.CallContext{MonitorID: "m1"},
	}})
	if err != nil {
		t.Fatalf("%s: host error %v (output %+v)", p.name, err, out)
	}
	return out
}

// expect runs the check and wants status and every fragment in the message.
func (p *plugin) expect(t *testing.T, cfg any, secrets map[string]string, status string, fragments ...string) abi.Output {
	t.Helper()
	out := p.call(t, cfg, secrets)
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

// invalid wants the plugin's validator to reject cfg naming field.
func (p *plugin) invalid(t *testing.T, cfg any, field string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	errs, err := p.h.Validate(ctx, p.name, "", mustJSON(t, cfg))
	if err != nil || len(errs) == 0 || !strings.Contains(errs[0].Field+": "+errs[0].Message, field) {
		t.Fatalf("%s: validate %s = %v, %v; want an error naming %q", p.name, mustJSON(t, cfg), errs, err, field)
	}
}

// valid wants the validator to accept cfg.
func (p *plugin) valid(t *testing.T, cfg any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	errs, err := p.h.Validate(ctx, p.name, "", mustJSON(t, cfg))
	if err != nil || len(errs) != 0 {
		t.Fatalf("%s: validate %s = %v, %v; want valid", p.name, mustJSON(t, cfg), errs, err)
	}
}

type obj = map[string]any
