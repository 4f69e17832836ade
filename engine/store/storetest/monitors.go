package storetest

import (
	"errors"
	"testing"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

func testMonitors(t *testing.T, f Factory) {
	t.Run("PutGetReplace", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		m := monitor("web", "alice", "z1", "z2")
		must(t, s.PutMonitor(ctx, m, m.Zones), "put monitor")
		got, err := s.GetMonitor(ctx, "web")
		must(t, err, "get monitor")
		same(t, "stored monitor", got, m)

		m.Name, m.Zones, m.Paused = "renamed", []string{"z2"}, true
		must(t, s.PutMonitor(ctx, m, []string{"z1", "z2"}), "replace monitor")
		got, err = s.GetMonitor(ctx, "web")
		must(t, err, "get replaced monitor")
		same(t, "replaced monitor", got, m)
	})

	t.Run("ListByOwnerOrderedByID", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		for _, m := range []engine.Monitor{
			monitor("c", "alice", "z1"), monitor("a", "bob", "z1"),
			monitor("b", "alice", "z1"), monitor("d", "alice", "z1"),
			monitor("ab", "alicex", "z1"), // owner sharing a prefix with alice
		} {
			must(t, s.PutMonitor(ctx, m, nil), "put monitor "+m.ID)
		}
		cases := []struct {
			owner string
			want  []string
		}{
			{"alice", []string{"b", "c", "d"}},
			{"bob", []string{"a"}},
			{"alicex", []string{"ab"}},
			{"", []string{"a", "ab", "b", "c", "d"}},
			{"nobody", nil},
		}
		for _, c := range cases {
			got, err := s.ListMonitors(ctx, c.owner)
			must(t, err, "list monitors of "+c.owner)
			sameIDs(t, "monitors of "+c.owner, monitorIDs(got), c.want)
		}

		// Moving a monitor to another owner moves it between lists.
		moved := monitor("a", "alice", "z1")
		must(t, s.PutMonitor(ctx, moved, nil), "change owner of a")
		got, err := s.ListMonitors(ctx, "bob")
		must(t, err, "list monitors of bob")
		sameIDs(t, "bob's monitors after the move", monitorIDs(got), nil)
		got, err = s.ListMonitors(ctx, "alice")
		must(t, err, "list monitors of alice")
		sameIDs(t, "alice's monitors after the move", monitorIDs(got), []string{"a", "b", "c", "d"})
	})

	t.Run("Delete", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		must(t, s.PutMonitor(ctx, monitor("web", "alice", "z1"), nil), "put monitor")
		must(t, s.DeleteMonitor(ctx, "web", nil), "delete monitor")
		if _, err := s.GetMonitor(ctx, "web"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("get deleted monitor: got %v, want store.ErrNotFound", err)
		}
		got, err := s.ListMonitors(ctx, "alice")
		must(t, err, "list monitors")
		sameIDs(t, "monitors after delete", monitorIDs(got), nil)
	})

	t.Run("WritesQueueOneEntryPerZoneInOrder", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		must(t, s.PutMonitor(ctx, monitor("m1", "alice", "z1", "z2"), []string{"z1", "z2"}), "put m1")
		must(t, s.PutMonitor(ctx, monitor("m2", "alice", "z1"), []string{"z1"}), "put m2")
		must(t, s.DeleteMonitor(ctx, "m1", []string{"z1", "z2"}), "delete m1")
		wantQueue(t, s, "z1", []opObj{
			{engine.OpUpsertMonitor, "m1"}, {engine.OpUpsertMonitor, "m2"}, {engine.OpDeleteMonitor, "m1"},
		})
		wantQueue(t, s, "z2", []opObj{{engine.OpUpsertMonitor, "m1"}, {engine.OpDeleteMonitor, "m1"}})
		wantQueue(t, s, "z3", nil)
	})

	t.Run("SetStatusChangesOnlyStatusAndQueuesNothing", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		m := monitor("web", "alice", "z1")
		must(t, s.PutMonitor(ctx, m, m.Zones), "put monitor")
		must(t, s.SetMonitorStatus(ctx, "web", engine.StatusFailed, at(60)), "set status")
		got, err := s.GetMonitor(ctx, "web")
		must(t, err, "get monitor")
		m.Status, m.StatusAt = engine.StatusFailed, at(60)
		same(t, "monitor after SetMonitorStatus", got, m)
		wantQueue(t, s, "z1", []opObj{{engine.OpUpsertMonitor, "web"}})
	})
}

func monitorIDs(ms []engine.Monitor) []string {
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	return ids
}

func sameIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %q, want %q", what, got, want)
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s: got %q, want %q", what, got, want)
			return
		}
	}
}
