package journal_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/internal/jsonenc"
	"github.com/runbookhq/runbook/engine/journal"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/store/bolt/bolttest"
	"github.com/runbookhq/runbook/engine/store/storefault"
	"github.com/runbookhq/runbook/zones"
	"github.com/runbookhq/runbook/zones/localredis/redistest"
)

// History rows reach the bolt store as the journal holds them: what the
// store returns is what was journaled, rows it cannot vouch for are
// decoded, rows that do not decode are moved aside, and a store that
// refuses the write leaves every row in the journal until it accepts.
func TestFlushHandsHistoryRowsToTheStoreUnchanged(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Client(t, redistest.Start(t))
	bst := bolttest.Open(t)
	st := storefault.Wrap(bst)
	keys := zones.KeysFor("z")
	j := journal.New(rdb, "z")

	at := time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC)
	var want []engine.Result
	for i := range 3 {
		r := engine.Result{ID: "m1.z." + string(rune('a'+i)), MonitorID: "m1", Zone: "z", Status: engine.StatusHealthy,
			Message: "ok", Duration: engine.Duration(time.Millisecond), ScheduledAt: at.Add(time.Duration(i) * time.Second),
			FinishedAt: at.Add(time.Duration(i)*time.Second + time.Millisecond), Plugin: "fixed", Digest: "sha256:ab"}
		want = append(want, r)
	}
	// As the actioner writes them (jsonenc), one as encoding/json would
	// (an escaped message: the fast path refuses it), and two bad rows.
	for _, r := range want[:2] {
		b, err := jsonenc.Result(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		rdb.RPush(ctx, keys.BehindHistory(), b)
	}
	want[2].Message = "quote \" and é"
	if err := j.Append(ctx, journal.Batch{History: want[2:]}); err != nil {
		t.Fatal(err)
	}
	rdb.RPush(ctx, keys.BehindHistory(), `{"id":"m1.z.x","monitor_id":"m1","status":5}`, `not json`)

	st.RefuseWrites(true)
	if _, err := j.Flush(ctx, st, 100); err == nil {
		t.Fatal("flush into a refusing store reported success")
	}
	if n, _ := rdb.LLen(ctx, keys.BehindHistory()).Result(); n != 5 {
		t.Fatalf("after a refused write the journal holds %d rows, want all 5", n)
	}
	st.RefuseWrites(false)
	if n, err := j.Flush(ctx, st, 100); err != nil || n != 3 {
		t.Fatalf("flush: %d rows, %v; want 3", n, err)
	}
	got, err := bst.History(ctx, "m1", store.HistoryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("store holds %d rows, want 3: %+v", len(got), got)
	}
	for i, g := range got { // newest first
		w := want[len(want)-1-i]
		if !reflect.DeepEqual(normal(g), normal(w)) {
			t.Errorf("row %d read back as %+v, want %+v", i, g, w)
		}
	}
	if dead, _ := rdb.LRange(ctx, keys.BehindHistory()+":dead", 0, -1).Result(); len(dead) != 2 {
		t.Errorf("moved aside %q, want the 2 undecodable rows", dead)
	}
	if n, _ := rdb.LLen(ctx, keys.BehindHistory()).Result(); n != 0 {
		t.Errorf("journal still holds %d rows", n)
	}
	// A replay of the same rows is stored once.
	b, _ := jsonenc.Result(nil, want[0])
	rdb.RPush(ctx, keys.BehindHistory(), b)
	if _, err := j.Flush(ctx, st, 100); err != nil {
		t.Fatal(err)
	}
	if got, _ := bst.History(ctx, "m1", store.HistoryQuery{}); len(got) != 3 {
		t.Errorf("a replayed row was stored again: %d rows", len(got))
	}
	hours, err := bst.HistoryHours(ctx, "m1", store.HoursQuery{Since: at.Add(-time.Hour), Before: at.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if hours.Rows != 3 || !hours.Oldest.Equal(want[0].FinishedAt) {
		t.Errorf("HistoryHours counts %d rows, oldest %v; want 3, %v", hours.Rows, hours.Oldest, want[0].FinishedAt)
	}
}

// normal drops what a JSON round trip changes (monotonic clock, zones).
func normal(r engine.Result) engine.Result {
	r.ScheduledAt, r.FinishedAt = r.ScheduledAt.UTC(), r.FinishedAt.UTC()
	return r
}
