package actioner_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine/actioner"
	"github.com/runbookhq/runbook/engine/broker"
	"github.com/runbookhq/runbook/engine/journal"
	"github.com/runbookhq/runbook/engine/worker"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/hosttest"
)

// A child is this test binary re-run as a lone worker or actioner, so a
// test can kill it with SIGKILL mid-job: no deferred cleanup, no DONE, the
// way a crashed process really goes.
type childSpec struct {
	Role    string `json:"role"`   // "worker", "actioner" or "target"
	Listen  string `json:"listen"` // target: loopback address to serve on
	Zone    string `json:"zone"`
	Redis   string `json:"redis"`
	Lock    string `json:"lock"`
	Backend string `json:"backend"`
	Results string `json:"results"` // worker: action broker frontend
}

const childEnv = "RUNBOOK_TEST_CHILD"

// runChild runs the child role named in the environment and reports
// whether it did (then the test binary must not run tests).
func runChild() bool {
	raw := os.Getenv(childEnv)
	if raw == "" {
		return false
	}
	var s childSpec
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		os.Exit(3)
	}
	ctx := context.Background()
	if s.Role == "target" {
		// An HTTP target outside the measured process, so its CPU is
		// counted in neither side of the overhead comparison.
		_ = http.ListenAndServe(s.Listen, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		os.Exit(0)
	}
	h, err := host.New(ctx, host.Config{LockFile: s.Lock, Cache: hosttest.Cache(), Logger: quietLogger()})
	if err != nil {
		os.Exit(4)
	}
	switch s.Role {
	case "worker":
		p, err := broker.NewProducer(s.Results)
		if err != nil {
			os.Exit(5)
		}
		w := &worker.Worker{Zone: s.Zone, Host: h, Results: p, Logger: quietLogger()}
		_ = w.Run(ctx, s.Backend, 1)
	case "actioner":
		rdb := redis.NewClient(&redis.Options{Addr: s.Redis})
		a := &actioner.Actioner{Zone: s.Zone, Redis: rdb, Journal: journal.New(rdb, s.Zone), Host: h, Logger: quietLogger()}
		_ = a.Run(ctx, s.Backend, 1)
	}
	os.Exit(0)
	return true
}

// startChild runs role in a child process; kill it with the returned func.
func (r *rig) startChild(t testing.TB, role string) (kill func()) {
	t.Helper()
	s := childSpec{Role: role, Zone: r.zone, Redis: r.srv.Addr, Lock: r.lock, Results: r.action.front, Backend: r.action.back}
	if role == "worker" {
		s.Backend = r.monitor.back
	}
	return startChildSpec(t, s)
}

func startChildSpec(t testing.TB, s childSpec) (kill func()) {
	t.Helper()
	role := s.Role
	raw, _ := json.Marshal(s)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(raw))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	kill = func() {
		_ = cmd.Process.Kill() // SIGKILL: the crash we want to survive
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Errorf("child %s did not die", role)
		}
	}
	t.Cleanup(kill)
	return kill
}
