package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/store/bolt"
	"github.com/runbookhq/runbook/engine/store/bolt/bolttest"
	"github.com/runbookhq/runbook/web"
)

func applyEnv(t *testing.T) (*apiClient, *bolt.Store) {
	t.Helper()
	st := bolttest.Open(t)
	ctx := context.Background()
	if err := st.PutUser(ctx, store.User{ID: "u1", Email: "u1@example.com", Plan: web.PlanUnlimited}); err != nil {
		t.Fatal(err)
	}
	tok, hash := web.NewToken()
	if err := st.PutToken(ctx, store.Token{Hash: hash, UserID: "u1", Name: "t"}); err != nil {
		t.Fatal(err)
	}
	s := web.New(web.Config{Store: st, Zones: []string{"z1"}})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.App().Listener(l) }()
	t.Cleanup(func() { _ = s.App().ShutdownWithTimeout(time.Second) })
	c := newAPIClient()
	c.base, c.token = "http://"+l.Addr().String(), tok
	return c, st
}

const monitorsYAML = `
reactions:
  - id: notify-ops
    name: Notify ops
    plugin: webhook
    config:
      url: https://hooks.example.com/ops
      headers:
        Authorization: Bearer hook-secret
    call_on: failed
    trigger: 2
monitors:
  - id: shop
    name: Shop front
    check: http-status
    interval: 30s
    config:
      url: https://shop.example.com/health
      codes: [200, 204]
    reactions: [notify-ops]
`

func parse(t *testing.T, s string) configFile {
	t.Helper()
	var cf configFile
	if err := yaml.Unmarshal([]byte(s), &cf); err != nil {
		t.Fatal(err)
	}
	if err := cf.validate(); err != nil {
		t.Fatal(err)
	}
	return cf
}

func TestApplyExportRoundTrip(t *testing.T) {
	c, st := applyEnv(t)
	ctx := context.Background()
	var out bytes.Buffer
	if err := apply(ctx, c, parse(t, monitorsYAML), false, false, &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "create reaction notify-ops\ncreate monitor shop\n" {
		t.Errorf("apply said %q", got)
	}
	m, err := st.GetMonitor(ctx, "shop")
	if err != nil || m.Interval.D() != 30*time.Second || m.Reactions[0] != "notify-ops" || !strings.Contains(string(m.Config), `"codes":[200,204]`) {
		t.Fatalf("stored monitor %+v %v", m, err)
	}

	var exported bytes.Buffer
	if err := export(ctx, c, &exported); err != nil {
		t.Fatal(err)
	}
	ex := exported.String()
	for _, gone := range []string{"owner:", "created_at", " status:", "hook-secret"} {
		if strings.Contains(ex, gone) {
			t.Errorf("export contains %q:\n%s", gone, ex)
		}
	}
	// Applying the export changes nothing, and keeps the masked secret.
	out.Reset()
	if err := apply(ctx, c, parse(t, ex), false, false, &out); err != nil {
		t.Fatalf("re-apply: %v\n%s", err, ex)
	}
	if got := out.String(); got != "update reaction notify-ops\nupdate monitor shop\n" {
		t.Errorf("re-apply said %q", got)
	}
	r, _ := st.GetReaction(ctx, "notify-ops")
	if !strings.Contains(string(r.Config), "hook-secret") || r.Trigger != 2 {
		t.Errorf("reaction after round trip: %s trigger %d", r.Config, r.Trigger)
	}

	// Prune deletes what the file no longer lists, monitors first.
	out.Reset()
	if err := apply(ctx, c, parse(t, "reactions: []\nmonitors: []\n"), true, true, &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "delete monitor shop\ndelete reaction notify-ops\n" {
		t.Errorf("dry-run prune said %q", got)
	}
	if _, err := st.GetMonitor(ctx, "shop"); err != nil {
		t.Error("dry run deleted")
	}
	if err := apply(ctx, c, parse(t, "reactions: []\nmonitors: []\n"), true, false, &out); err != nil {
		t.Fatal(err)
	}
	if _, err := st.GetMonitor(ctx, "shop"); err == nil {
		t.Error("prune kept the monitor")
	}
}

func TestApplyErrorsNameTheEntry(t *testing.T) {
	var cf configFile
	_ = yaml.Unmarshal([]byte("monitors:\n  - name: no id\n  - id: a\n  - id: a\n"), &cf)
	err := cf.validate()
	if err == nil || !strings.Contains(err.Error(), "monitors[0].id: is required") || !strings.Contains(err.Error(), `monitors[2].id: "a" appears twice`) {
		t.Errorf("validate: %v", err)
	}
	c, _ := applyEnv(t)
	err = apply(context.Background(), c, parse(t, "monitors:\n  - id: bad\n    name: x\n    check: http-status\n    interval: 0s\n"), false, false, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "interval") {
		t.Errorf("API refusal not reported with its field: %v", err)
	}
}
