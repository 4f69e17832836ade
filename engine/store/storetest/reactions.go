package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

func testReactions(t *testing.T, f Factory) {
	t.Run("PutGetListDelete", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		for _, r := range []engine.Reaction{reaction("r2", "alice"), reaction("r1", "alice"), reaction("r3", "bob")} {
			must(t, s.PutReaction(ctx, r, nil), "put reaction "+r.ID)
		}
		got, err := s.GetReaction(ctx, "r1")
		must(t, err, "get reaction")
		same(t, "stored reaction", got, reaction("r1", "alice"))

		cases := []struct {
			owner string
			want  []string
		}{
			{"alice", []string{"r1", "r2"}},
			{"bob", []string{"r3"}},
			{"", []string{"r1", "r2", "r3"}},
			{"nobody", nil},
		}
		for _, c := range cases {
			list, err := s.ListReactions(ctx, c.owner)
			must(t, err, "list reactions of "+c.owner)
			sameIDs(t, "reactions of "+c.owner, reactionIDs(list), c.want)
		}

		must(t, s.DeleteReaction(ctx, "r1", nil), "delete reaction")
		if _, err := s.GetReaction(ctx, "r1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("get deleted reaction: got %v, want store.ErrNotFound", err)
		}
	})

	t.Run("WritesQueueOneEntryPerZoneInOrder", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		must(t, s.PutReaction(ctx, reaction("r1", "alice"), []string{"z1", "z2"}), "put r1")
		must(t, s.DeleteReaction(ctx, "r1", []string{"z2"}), "delete r1")
		wantQueue(t, s, "z1", []opObj{{engine.OpUpsertReaction, "r1"}})
		wantQueue(t, s, "z2", []opObj{{engine.OpUpsertReaction, "r1"}, {engine.OpDeleteReaction, "r1"}})
	})

	t.Run("LastRunOnlyMovesForward", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		r := reaction("r1", "alice")
		must(t, s.PutReaction(ctx, r, nil), "put reaction")
		steps := []struct {
			set, want time.Time
		}{
			{at(100), at(100)},
			{at(50), at(100)}, // older: ignored
			{at(100), at(100)},
			{at(200), at(200)},
		}
		for i, st := range steps {
			must(t, s.SetReactionLastRun(ctx, "r1", st.set), "set last run")
			got, err := s.GetReaction(ctx, "r1")
			must(t, err, "get reaction")
			if !got.LastRun.Equal(st.want) {
				t.Errorf("step %d: set %s, last run is %s, want %s", i, st.set, got.LastRun, st.want)
			}
			if got.Name != r.Name || got.Trigger != r.Trigger {
				t.Errorf("step %d: SetReactionLastRun changed other fields: %+v", i, got)
			}
		}
	})
}

func reactionIDs(rs []engine.Reaction) []string {
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}
