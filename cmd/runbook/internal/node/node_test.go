package node_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/runbookhq/runbook/cmd/runbook/internal/stack"
	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/secret"
	"github.com/runbookhq/runbook/host/hosttest"
)

func TestMain(m *testing.M) { hosttest.Main(m) }

// api drives a whole Runbook (package stack) through its HTTP API.
type api struct {
	base  string
	token string
	http  *http.Client
}

// startStack runs the whole Runbook with the plugins these tests use and
// secrets sealed as in production.
func startStack(t *testing.T) *api {
	t.Helper()
	box, err := secret.NewBox(bytes.Repeat([]byte{42}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	s := stack.Start(t, stack.Options{Plugins: []string{"http-status", "webhook", "slack"}, Secrets: box})
	return &api{base: s.Base, token: s.Token, http: &http.Client{Timeout: 5 * time.Second}}
}

func (s *api) do(t *testing.T, method, path string, body any, out any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.base+path, r)
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: decoding %s: %v", method, path, raw, err)
		}
	}
	if resp.StatusCode >= 300 {
		t.Logf("%s %s → %d %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode
}

// The walking skeleton's promise: a monitor created through the API is
// checked by a WASM plugin on schedule; when its target fails, the webhook
// reaction fires, the status turns failed, and history and an event are
// written; when the target recovers, the status turns healthy again.
func TestMonitorFailsReactsAndRecovers(t *testing.T) {
	s := startStack(t)

	var targetStatus atomic.Int32
	targetStatus.Store(200)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(int(targetStatus.Load()))
	}))
	defer target.Close()

	var mu sync.Mutex
	var received []map[string]any
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p map[string]any
		_ = json.NewDecoder(r.Body).Decode(&p)
		mu.Lock()
		received = append(received, p)
		mu.Unlock()
	}))
	defer receiver.Close()

	var reaction engine.Reaction
	if code := s.do(t, "POST", "/api/v1/reactions", map[string]any{
		"id": "notify-ops", "name": "Notify ops", "plugin": "webhook",
		"config": map[string]any{"url": receiver.URL + "/hook"}, "call_on": "failed", "trigger": 1,
	}, &reaction); code != 201 {
		t.Fatalf("create reaction: %d", code)
	}
	var mon engine.Monitor
	if code := s.do(t, "POST", "/api/v1/monitors", map[string]any{
		"id": "shop", "name": "Shop front", "check": "http-status", "interval": "1s",
		"config": map[string]any{"url": target.URL + "/health", "codes": []int{200}}, "reactions": []string{"notify-ops"},
	}, &mon); code != 201 {
		t.Fatalf("create monitor: %d", code)
	}

	status := func() engine.Status {
		var m engine.Monitor
		s.do(t, "GET", "/api/v1/monitors/shop", nil, &m)
		return m.Status
	}
	stack.WaitFor(t, 15*time.Second, "monitor healthy", func() bool { return status() == engine.StatusHealthy })

	targetStatus.Store(500)
	stack.WaitFor(t, 10*time.Second, "reaction to reach the receiver", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(received) > 0
	})
	mu.Lock()
	got := received[0]
	mu.Unlock()
	if got["monitor_id"] != "shop" || got["status"] != "failed" || got["monitor_name"] != "Shop front" {
		t.Errorf("webhook payload %v does not name the failed monitor", got)
	}
	stack.WaitFor(t, 10*time.Second, "monitor failed", func() bool { return status() == engine.StatusFailed })

	var history []engine.Result
	s.do(t, "GET", "/api/v1/monitors/shop/history", nil, &history)
	var failed, healthy int
	for _, h := range history {
		switch h.Status {
		case engine.StatusFailed:
			failed++
		case engine.StatusHealthy:
			healthy++
		}
		if h.Zone != "local" || h.Plugin != "http-status" || h.Digest == "" {
			t.Errorf("history row without zone/plugin/digest: %+v", h)
		}
	}
	if failed == 0 || healthy == 0 {
		t.Errorf("history has %d healthy and %d failed rows, want both", healthy, failed)
	}
	var events []engine.Event
	s.do(t, "GET", "/api/v1/monitors/shop/events", nil, &events)
	toFailed := 0
	for _, e := range events {
		if e.From == engine.StatusHealthy && e.To == engine.StatusFailed {
			toFailed++
		}
	}
	if toFailed != 1 {
		t.Errorf("want one healthy→failed event, got %+v", events)
	}
	var logs []engine.ReactionLog
	stack.WaitFor(t, 5*time.Second, "reaction log", func() bool {
		s.do(t, "GET", "/api/v1/monitors/shop/reactionlogs", nil, &logs)
		return len(logs) > 0
	})
	if logs[0].Outcome != engine.OutcomeExecuted || logs[0].ReactionID != "notify-ops" {
		t.Errorf("reaction log %+v, want executed notify-ops", logs[0])
	}

	// Fires once per incident: more failures do not re-send the webhook.
	time.Sleep(2500 * time.Millisecond)
	mu.Lock()
	n := len(received)
	mu.Unlock()
	if n != 1 {
		t.Errorf("webhook sent %d times during one incident, want 1", n)
	}

	targetStatus.Store(200)
	stack.WaitFor(t, 10*time.Second, "monitor healthy again", func() bool { return status() == engine.StatusHealthy })
}

// Bad input is refused with an error naming the field, and nothing is
// stored.
func TestBadMonitorIsRefusedAndNothingStored(t *testing.T) {
	s := startStack(t)
	cases := []struct {
		name string
		body map[string]any
		want string
	}{
		{"unknown plugin", map[string]any{"name": "x", "check": "nope", "interval": "1m"}, "check"},
		{"bad interval", map[string]any{"name": "x", "check": "http-status", "interval": "1ms", "config": map[string]any{"url": "http://127.0.0.1:1/"}}, "interval"},
		{"unknown zone", map[string]any{"name": "x", "check": "http-status", "interval": "1m", "zones": []string{"mars"}}, "zones"},
		{"bad plugin config", map[string]any{"name": "x", "check": "http-status", "interval": "1m", "config": map[string]any{"url": "ftp://x"}}, "config"},
		{"unknown field", map[string]any{"name": "x", "chekc": "http-status"}, "chekc"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, _ := json.Marshal(tc.body)
			req, _ := http.NewRequest("POST", s.base+"/api/v1/monitors", bytes.NewReader(b))
			req.Header.Set("Authorization", "Bearer "+s.token)
			resp, err := s.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 400 || !bytes.Contains(raw, []byte(tc.want)) {
				t.Errorf("got %d %s, want 400 naming %q", resp.StatusCode, raw, tc.want)
			}
		})
	}
	var list []engine.Monitor
	s.do(t, "GET", "/api/v1/monitors", nil, &list)
	if len(list) != 0 {
		t.Errorf("refused monitors were stored: %+v", list)
	}
	req, _ := http.NewRequest("GET", s.base+"/api/v1/monitors", nil)
	req.Header.Set("Authorization", "Bearer rb_wrong")
	resp, err := s.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("wrong token: %d, want 401", resp.StatusCode)
	}
}
