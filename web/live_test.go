package web

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// openStream reads server-sent events from path; next waits for the next
// event whose "name data" starts with prefix.
func openStream(t *testing.T, base, token, path string) (next func(prefix string) string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	mustNil(t, err)
	t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	events := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(res.Body)
		var name string
		for sc.Scan() {
			line := sc.Text()
			if n, ok := strings.CutPrefix(line, "event: "); ok {
				name = n
			} else if d, ok := strings.CutPrefix(line, "data: "); ok {
				events <- name + " " + d
			}
		}
		close(events)
	}()
	return func(prefix string) string {
		t.Helper()
		timeout := time.After(5 * time.Second)
		for {
			select {
			case ev, ok := <-events:
				if !ok {
					t.Fatalf("stream ended before a %q event", prefix)
				}
				if strings.HasPrefix(ev, prefix) {
					return ev
				}
			case <-timeout:
				t.Fatalf("no %q event", prefix)
			}
		}
	}
}

// The monitor page's stream sends its reaction logs, with the reaction's
// name, first and whenever a new one is written.
func TestStreamSendsReactionLogs(t *testing.T) {
	e := newEnv(t)
	e.mustDo(201, "POST", "/api/v1/reactions", e.alice, map[string]any{"id": "r1", "name": "Page ops", "plugin": "webhook", "config": map[string]any{"url": "https://alice.example"}})
	e.createMonitor(e.alice, "m1")
	next := openStream(t, e.listen(), e.alice, "/api/v1/stream?monitor=m1")
	if ev := next("logs "); ev != "logs []" {
		t.Errorf("first logs event %s, want none yet", ev)
	}
	mustNil(t, e.st.AddReactionLogs(context.Background(), engine.ReactionLog{ID: "l1", ReactionID: "r1", MonitorID: "m1", Zone: "z1",
		Outcome: engine.OutcomeExecuted, Message: "posted", At: time.Now()}))
	ev := next("logs ")
	for _, want := range []string{`"id":"l1"`, `"reaction_name":"Page ops"`, `"outcome":"executed"`} {
		if !strings.Contains(ev, want) {
			t.Errorf("logs event %s lacks %s", ev, want)
		}
	}
	// Another account cannot stream this monitor.
	res := e.do("GET", "/api/v1/stream?monitor=m1", e.bob, nil)
	if res.Code != 404 {
		t.Errorf("bob streaming alice's monitor: %d", res.Code)
	}
}

// Two accounts' dashboards streaming at once each see only their own
// monitors, though both come from the shared index.
func TestStreamKeepsAccountsApart(t *testing.T) {
	e := newEnv(t)
	e.createMonitor(e.alice, "a1")
	e.createMonitor(e.bob, "b1")
	base := e.listen()
	na, nb := openStream(t, base, e.alice, "/api/v1/stream"), openStream(t, base, e.bob, "/api/v1/stream")
	if ev := na("monitors "); !strings.Contains(ev, `"a1"`) || strings.Contains(ev, `"b1"`) {
		t.Errorf("alice's stream: %s", ev)
	}
	if ev := nb("monitors "); !strings.Contains(ev, `"b1"`) || strings.Contains(ev, `"a1"`) {
		t.Errorf("bob's stream: %s", ev)
	}
	// A write through the web shows on the next page at once.
	e.createMonitor(e.alice, "a2")
	b := e.browser()
	b.login("alice@example.com", "password-u-alice")
	if _, body := b.get("/"); !strings.Contains(body, `data-monitor="a2"`) || strings.Contains(body, `data-monitor="b1"`) {
		t.Error("dashboard after a write: missing a2 or showing bob's b1")
	}
}
