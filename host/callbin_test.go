package host_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/hosttest"
)

// A plugin that exports runbook_call_bin gets the same input and its
// output reads the same as through runbook_call's JSON: the two paths
// are one contract (docs/ABI.md §6.1).
func TestBinaryAndJSONCallsAgree(t *testing.T) {
	in := abi.Input{
		Config:  json.RawMessage(`{"mode":"echo","size":7}`),
		Secrets: map[string]string{"token": "s3cret <&>", "b": ""},
		Context: abi.CallContext{MonitorID: "m1", MonitorName: "api \"prod\"", Zone: "eu-1",
			ScheduledAt: time.Date(2026, 11, 26, 11, 40, 0, 123456789, time.UTC),
			Status:      "failed", PreviousStatus: "healthy", Message: "status 503\n", ReactionID: "r1", ReactionName: "page"},
	}
	run := func(binary bool) abi.Output {
		defer host.SetCallBinaryForTest(binary)()
		h := hosttest.New(t, hostile)
		out, _, err := h.Call(ctxT(t), host.Call{Plugin: "hostile", Input: in})
		if err != nil {
			t.Fatalf("binary=%v: %v", binary, err)
		}
		return out
	}
	bin, js := run(true), run(false)
	if bin.Status != js.Status || bin.Message != js.Message || len(bin.Metrics) != 3 {
		t.Fatalf("binary call %+v\n   json call %+v", bin, js)
	}
	for k, v := range js.Metrics {
		if bin.Metrics[k] != v {
			t.Errorf("metric %s: binary %v, json %v", k, bin.Metrics[k], v)
		}
	}
	for _, want := range []string{`"monitor_id":"m1"`, `"zone":"eu-1"`, `"scheduled_at":"2026-11-26T11:40:00.123456789Z"`,
		`"message":"status 503\n"`, `"reaction_name":"page"`, `"s3cret \u003c\u0026\u003e"`} {
		if !strings.Contains(bin.Message, want) {
			t.Errorf("the plugin saw %s; want %s in it", bin.Message, want)
		}
	}
}
