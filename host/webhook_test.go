package host_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/hosttest"
)

func TestWebhookPostsPayload(t *testing.T) {
	h := hosttest.New(t, "webhook")
	got := make(chan map[string]any, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		b, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || r.Header.Get("Authorization") != "Bearer t" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if err := json.Unmarshal(b, &body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		got <- body
	}))
	t.Cleanup(srv.Close)

	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	out, info, err := h.Call(ctxT(t), host.Call{Plugin: "webhook", Kind: abi.KindReaction, Input: abi.Input{
		Config: cfg(t, map[string]any{"url": srv.URL + "/hook", "headers": map[string]string{"Authorization": "Bearer t"}}),
		Context: abi.CallContext{MonitorID: "m7", MonitorName: "api", Zone: "eu", ScheduledAt: at,
			Status: "failed", PreviousStatus: "healthy", Message: "status 503", ReactionID: "r1"},
	}})
	if err != nil || out.Status != abi.StatusOK {
		t.Fatalf("got %+v, %v; want ok", out, err)
	}
	if info.Digest == "" || info.Version != "0.1.0" {
		t.Errorf("call info %+v: want digest and version", info)
	}
	body := <-got
	want := map[string]any{"event": "runbook.reaction", "monitor_id": "m7", "monitor_name": "api", "zone": "eu",
		"status": "failed", "previous_status": "healthy", "message": "status 503", "reaction_id": "r1", "at": "2026-01-02T03:04:05Z"}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("payload[%s] = %v, want %v", k, body[k], v)
		}
	}

	// A receiver that refuses: the reaction failed, quoting it.
	out, _, err = h.Call(ctxT(t), host.Call{Plugin: "webhook", Input: abi.Input{Config: cfg(t, map[string]any{"url": srv.URL})}})
	if err != nil || out.Status != abi.StatusFailed {
		t.Fatalf("got %+v, %v; want failed on 400", out, err)
	}

	// A reaction is not a check.
	if _, _, err := h.Call(ctxT(t), host.Call{Plugin: "webhook", Kind: abi.KindCheck}); err == nil {
		t.Fatal("calling a reaction as a check succeeded")
	}
}
