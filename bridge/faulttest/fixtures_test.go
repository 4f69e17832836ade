package faulttest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/store/rethink"
	"github.com/runbookhq/runbook/engine/store/rethink/rethinktest"
)

// target is an HTTP service whose health a test switches.
type target struct {
	*httptest.Server
	code atomic.Int32
}

func newTarget(t *testing.T) *target {
	tg := &target{}
	tg.code.Store(200)
	tg.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(int(tg.code.Load()))
	}))
	t.Cleanup(tg.Close)
	return tg
}

// receiver counts webhook reaction calls.
type receiver struct {
	*httptest.Server
	mu    sync.Mutex
	calls []map[string]any
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p map[string]any
		_ = json.NewDecoder(r.Body).Decode(&p)
		rc.mu.Lock()
		rc.calls = append(rc.calls, p)
		rc.mu.Unlock()
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.calls)
}

func checkMonitor(id, url string, reactions []string, zones ...string) engine.Monitor {
	m := engine.Monitor{
		ID: id, Owner: "u1", Name: "monitor " + id, Kind: engine.KindScheduled, Check: "http-status",
		Config:   json.RawMessage(`{"url":"` + url + `","codes":[200]}`),
		Interval: engine.Duration(time.Second), Zones: zones, Reactions: reactions,
	}
	m.Normalize()
	return m
}

func webhookReaction(id, url string, on engine.CallOn) engine.Reaction {
	r := engine.Reaction{ID: id, Owner: "u1", Name: "reaction " + id, Plugin: "webhook",
		Config: json.RawMessage(`{"url":"` + url + `"}`), CallOn: on, Trigger: 1, Enabled: true}
	r.Normalize()
	return r
}

func rethinkStore(t *testing.T) (store.Store, *rethinktest.Server) {
	srv := rethinktest.New(t, rethinktest.Options{Password: "pw"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := rethink.Open(ctx, rethink.Options{Addresses: []string{srv.Addr()}, Password: "pw", Database: "runbook"})
	if err != nil {
		t.Fatalf("opening rethink store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st, srv
}

// history is every stored row of monitor, oldest first by schedule.
func history(t *testing.T, st store.Store, monitor string) []engine.Result {
	t.Helper()
	rows, err := st.History(context.Background(), monitor, store.HistoryQuery{Limit: 100000})
	if err != nil {
		t.Fatalf("reading history of %s: %v", monitor, err)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].ScheduledAt.Before(rows[j].ScheduledAt) })
	return rows
}
