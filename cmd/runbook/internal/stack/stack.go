// Package stack starts a whole Runbook in one test process, as `runbook
// up` does, on real parts: its own redis-server, a bbolt store, ZeroMQ on
// loopback TCP, wazero with plugins built from plugins/, and the web on
// 127.0.0.1. The node and browser end-to-end tests share it.
package stack

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/runbookhq/runbook/cmd/runbook/internal/node"
	"github.com/runbookhq/runbook/engine/secret"
	"github.com/runbookhq/runbook/engine/store/bolt"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/internal/loopback"
	"github.com/runbookhq/runbook/web"
	"github.com/runbookhq/runbook/zones"
	"github.com/runbookhq/runbook/zones/localredis/redistest"
)

// Options for Start.
type Options struct {
	// Plugins the host loads (built from plugins/).
	Plugins []string
	// Secrets, when set, seals monitor and reaction secrets (host and web).
	Secrets *secret.Box
}

// Stack is a running whole Runbook with one zone, "local".
type Stack struct {
	// Base is the web's URL, http://127.0.0.1:PORT.
	Base string
	// Token is the first admin's API token.
	Token string
}

// AdminEmail is the first admin's account.
const AdminEmail = "admin@example.test"

// Start runs every role in this process and returns once the web answers
// /healthz; the test's cleanup stops it and fails the test if it does not
// stop cleanly within 15 s.
func Start(t testing.TB, o Options) *Stack {
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
		MonitorBroker: zones.BrokerConfig{Frontend: Endpoint(t), Backend: Endpoint(t)},
		ActionBroker:  zones.BrokerConfig{Frontend: Endpoint(t), Backend: Endpoint(t)},
	}
	z.Normalize()
	if err := z.Validate(); err != nil {
		t.Fatal(err)
	}
	login, err := web.Bootstrap(context.Background(), st, AdminEmail)
	if err != nil || login == nil {
		t.Fatalf("bootstrap: %v %v", login, err)
	}
	cfg := host.Config{Entries: hosttest.Entries(t, o.Plugins...)}
	var webOpts []web.Option
	if o.Secrets != nil {
		cfg.Secrets = o.Secrets
		webOpts = append(webOpts, web.WithSecrets(o.Secrets))
	}
	h := hosttest.NewWithConfig(t, cfg)
	addr := fmt.Sprintf("127.0.0.1:%d", FreePort(t))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- node.Run(ctx, node.Options{
			Roles: node.AllRoles, Zones: []zones.Config{z}, Store: st,
			Host: h, HTTPAddr: addr, Web: webOpts,
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
	s := &Stack{Base: "http://" + addr, Token: login.Token}
	c := &http.Client{Timeout: 5 * time.Second}
	WaitFor(t, 10*time.Second, "web up", func() bool {
		resp, err := c.Get(s.Base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return s
}

// WaitFor polls cond every 50 ms and fails the test, naming what, if it
// is not true within the time given.
func WaitFor(t testing.TB, within time.Duration, what string, cond func() bool) {
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

// FreePort is a loopback TCP port reserved for this test process.
func FreePort(t testing.TB) int {
	t.Helper()
	p, err := loopback.Port()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Endpoint is a ZeroMQ TCP endpoint on a free loopback port.
func Endpoint(t testing.TB) string { return fmt.Sprintf("tcp://127.0.0.1:%d", FreePort(t)) }
