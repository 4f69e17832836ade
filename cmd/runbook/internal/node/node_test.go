package node_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/runbookhq/runbook/cmd/runbook/internal/node"
	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/secret"
	"github.com/runbookhq/runbook/engine/store/bolt"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/web"
	"github.com/runbookhq/runbook/zones"
	"github.com/runbookhq/runbook/zones/localredis/redistest"
)

func TestMain(m *testing.M) { hosttest.Main(m) }

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func endpoint(t *testing.T) string { return fmt.Sprintf("tcp://127.0.0.1:%d", freePort(t)) }

// stack is a whole Runbook in one process, on real Redis, ZeroMQ, bbolt
// and wazero, like `runbook up`.
type stack struct {
	base  string
	token string
	http  *http.Client
}

func startStack(t *testing.T) *stack {
	t.Helper()
	rs := redistest.Start(t)
	st, err := bolt.Open(filepath.Join(t.TempDir(), "runbook.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	z := zones.Config{
		Name:          "local",
		Redis:         zones.RedisConfig{Addr: rs.Addr},
		MonitorBroker: zones.BrokerConfig{Frontend: endpoint(t), Backend: endpoint(t)},
		ActionBroker:  zones.BrokerConfig{Frontend: endpoint(t), Backend: endpoint(t)},
	}
	z.Normalize()
	if err := z.Validate(); err != nil {
		t.Fatal(err)
	}
	login, err := web.Bootstrap(context.Background(), st, "admin@example.test")
	if err != nil || login == nil {
		t.Fatalf("bootstrap: %v %v", login, err)
	}
	box, err := secret.NewBox(bytes.Repeat([]byte{42}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	h := hosttest.NewWithConfig(t, host.Config{Entries: hosttest.Entries(t, "http-status", "webhook", "slack"), Secrets: box})
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- node.Run(ctx, node.Options{
			Roles: node.AllRoles, Zones: []zones.Config{z}, Store: st,
			Host: h, HTTPAddr: addr, Web: []web.Option{web.WithSecrets(box)},
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("node: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("node did not stop within 15s")
		}
	})
	s := &stack{base: "http://" + addr, token: login.Token, http: &http.Client{Timeout: 5 * time.Second}}
	waitFor(t, 10*time.Second, "web up", func() bool {
		resp, err := s.http.Get(s.base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	return s
}

func (s *stack) do(t *testing.T, method, path string, body any, out any) int {
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

func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out after %s waiting for %s", within, what)
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
	waitFor(t, 15*time.Second, "monitor healthy", func() bool { return status() == engine.StatusHealthy })

	targetStatus.Store(500)
	waitFor(t, 10*time.Second, "reaction to reach the receiver", func() bool {
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
	waitFor(t, 10*time.Second, "monitor failed", func() bool { return status() == engine.StatusFailed })

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
	waitFor(t, 5*time.Second, "reaction log", func() bool {
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
	waitFor(t, 10*time.Second, "monitor healthy again", func() bool { return status() == engine.StatusHealthy })
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
