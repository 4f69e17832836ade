package node_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/runbookhq/runbook/cmd/runbook/internal/stack"
	"github.com/runbookhq/runbook/engine"
)

// A reaction's secret travels sealed from the API through the store, the
// zone queue and Redis to the actioner, and only the plugin call sees it:
// the slack reaction posts to the webhook path held in its secret, while
// the API never shows the value.
func TestReactionSecretReachesOnlyThePlugin(t *testing.T) {
	s := startStack(t)
	var mu sync.Mutex
	var paths []string
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		_, _ = io.WriteString(w, "ok")
	}))
	defer slack.Close()
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer down.Close()

	const hook = "/services/T0001/B0002/sEcReTsEcReT"
	var r map[string]any
	if code := s.do(t, "POST", "/api/v1/reactions", map[string]any{
		"id": "tell-slack", "name": "Tell Slack", "plugin": "slack",
		"config":  map[string]any{"api_url": slack.URL},
		"secrets": map[string]string{"slack_webhook": hook},
	}, &r); code != 201 {
		t.Fatalf("create reaction: %d", code)
	}
	if strings.Contains(strings.ToLower(toJSON(r)), "secretsecret") {
		t.Fatalf("API response shows the secret: %v", r)
	}
	if code := s.do(t, "POST", "/api/v1/monitors", map[string]any{
		"id": "api", "name": "API", "check": "http-status", "interval": "1s",
		"config": map[string]any{"url": down.URL}, "reactions": []string{"tell-slack"},
	}, nil); code != 201 {
		t.Fatalf("create monitor: %d", code)
	}
	stack.WaitFor(t, 20*time.Second, "slack webhook called", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(paths) > 0
	})
	mu.Lock()
	defer mu.Unlock()
	if paths[0] != hook {
		t.Fatalf("slack got %q, want the path from the secret", paths[0])
	}
	var logs []engine.ReactionLog
	s.do(t, "GET", "/api/v1/monitors/api/reactionlogs", nil, &logs)
	for _, l := range logs {
		if strings.Contains(l.Message, "sEcReT") {
			t.Fatalf("reaction log shows the secret: %+v", l)
		}
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
