package storetest

import (
	"encoding/json"
	"testing"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// opObj is what a queue entry is about, for comparing queues.
type opObj struct {
	op  engine.QueueOp
	obj string
}

// wantQueue checks zone's whole queue (up to 1000 entries), oldest first.
func wantQueue(t *testing.T, s store.Store, zone string, want []opObj) []engine.QueueEntry {
	t.Helper()
	entries, err := s.ReadQueue(testCtx(t), zone, 1000)
	must(t, err, "read queue "+zone)
	var got []opObj
	for _, e := range entries {
		got = append(got, opObj{e.Op, e.ObjectID})
		if e.Zone != zone {
			t.Errorf("queue %s: entry %s has zone %q", zone, e.ID, e.Zone)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("queue %s: got %v, want %v", zone, got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("queue %s: got %v, want %v", zone, got, want)
		}
	}
	checkIDsOrdered(t, zone, entries)
	return entries
}

// checkIDsOrdered: IDs are assigned, unique, and their string order is the
// queue order, which lets a bridge compare positions without the store.
func checkIDsOrdered(t *testing.T, zone string, entries []engine.QueueEntry) {
	t.Helper()
	for i, e := range entries {
		if e.ID == "" {
			t.Errorf("queue %s: entry %d has no id", zone, i)
		}
		if i > 0 && entries[i-1].ID >= e.ID {
			t.Errorf("queue %s: id %q follows %q; ids must increase", zone, e.ID, entries[i-1].ID)
		}
	}
}

func entry(obj string) engine.QueueEntry {
	return engine.QueueEntry{Op: engine.OpUpsertMonitor, ObjectID: obj}
}

func testQueues(t *testing.T, f Factory) {
	t.Run("EnqueueAssignsOrderedIDs", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		res := engine.QueueEntry{Op: engine.OpResult, ObjectID: "web", Payload: json.RawMessage(`{"status": "failed", "message": "down"}`)}
		must(t, s.Enqueue(ctx, "z1", entry("a"), entry("b"), res), "enqueue 3")
		must(t, s.Enqueue(ctx, "z1", entry("c")), "enqueue 1")
		got := wantQueue(t, s, "z1", []opObj{
			{engine.OpUpsertMonitor, "a"}, {engine.OpUpsertMonitor, "b"}, {engine.OpResult, "web"}, {engine.OpUpsertMonitor, "c"},
		})
		var gotPayload, wantPayload any
		must(t, json.Unmarshal(got[2].Payload, &gotPayload), "decode stored payload")
		must(t, json.Unmarshal(res.Payload, &wantPayload), "decode payload")
		same(t, "result payload", gotPayload, wantPayload)
	})

	t.Run("ReadLimitAndAck", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		must(t, s.Enqueue(ctx, "z1", entry("a"), entry("b"), entry("c"), entry("d")), "enqueue")
		cases := []struct {
			limit int
			want  []string
		}{
			{1, []string{"a"}},
			{3, []string{"a", "b", "c"}},
			{10, []string{"a", "b", "c", "d"}},
		}
		for _, c := range cases {
			got, err := s.ReadQueue(ctx, "z1", c.limit)
			must(t, err, "read queue")
			sameIDs(t, "read with limit", objectIDs(got), c.want)
		}
		first, err := s.ReadQueue(ctx, "z1", 2)
		must(t, err, "read queue")
		must(t, s.AckQueue(ctx, "z1", first[0].ID, first[1].ID), "ack a, b")
		wantQueue(t, s, "z1", []opObj{{engine.OpUpsertMonitor, "c"}, {engine.OpUpsertMonitor, "d"}})
		// A bridge that crashed between applying and acking acks again.
		must(t, s.AckQueue(ctx, "z1", first[0].ID), "ack a again")
		wantQueue(t, s, "z1", []opObj{{engine.OpUpsertMonitor, "c"}, {engine.OpUpsertMonitor, "d"}})
	})

	t.Run("ZonesAreIndependent", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		must(t, s.Enqueue(ctx, "z1", entry("a1"), entry("a2")), "enqueue z1")
		must(t, s.Enqueue(ctx, "z2", entry("b1")), "enqueue z2")
		z1, err := s.ReadQueue(ctx, "z1", 10)
		must(t, err, "read z1")
		must(t, s.AckQueue(ctx, "z1", z1[0].ID), "ack first of z1")
		wantQueue(t, s, "z1", []opObj{{engine.OpUpsertMonitor, "a2"}})
		wantQueue(t, s, "z2", []opObj{{engine.OpUpsertMonitor, "b1"}})
		wantQueue(t, s, "z3", nil)
	})
}

func objectIDs(es []engine.QueueEntry) []string {
	var ids []string
	for _, e := range es {
		ids = append(ids, e.ObjectID)
	}
	return ids
}
