package host_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
)

const hostile = "host/testdata/plugins/hostile"

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func cfg(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// call runs a plugin with config and a monitor id.
func call(t *testing.T, h *host.Host, plugin string, config any) (abi.Output, error) {
	t.Helper()
	out, _, err := h.Call(ctxT(t), host.Call{Plugin: plugin, Input: abi.Input{
		Config:  cfg(t, config),
		Context: abi.CallContext{MonitorID: "m1"},
	}})
	return out, err
}

func pluginInfo(t *testing.T, h *host.Host, name string) host.PluginInfo {
	t.Helper()
	for _, p := range h.Plugins() {
		if p.Name == name && p.Current {
			return p
		}
	}
	t.Fatalf("plugin %s not listed", name)
	return host.PluginInfo{}
}
