package checktest

import (
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host/hosttest"
)

// load builds the check plugin name and loads it in a real host.
func load(t *testing.T, name string) *hosttest.Plugin {
	t.Helper()
	return hosttest.Load(t, name)
}

// refused wants the host to refuse a call with cfg before the plugin
// runs, naming field.
func refused(t *testing.T, p *hosttest.Plugin, cfg any, secrets map[string]string, field string) {
	t.Helper()
	out, err := p.Call(t, cfg, secrets, p.Context)
	if err == nil || !strings.Contains(err.Error(), field) {
		t.Fatalf("%s %s: got %+v, %v; want the call refused naming %q", p.Name, hosttest.JSON(t, cfg), out, err, field)
	}
}

type obj = map[string]any
