package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

func testHistory(t *testing.T, f Factory) {
	t.Run("IdempotentByID", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		r := result("web", 1)
		must(t, s.AddHistory(ctx, r, r), "add the same row twice in one call")
		must(t, s.AddHistory(ctx, r), "add it again")
		got, err := s.History(ctx, "web", store.HistoryQuery{})
		must(t, err, "read history")
		if len(got) != 1 {
			t.Fatalf("got %d rows, want 1", len(got))
		}
		same(t, "history row", got[0], r)
	})

	t.Run("NewestFirstWithinWindow", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		var rows []engine.Result
		for sec := 0; sec < 10; sec++ {
			rows = append(rows, result("web", sec), result("web2", sec))
		}
		rows = append(rows, result("we", 3)) // a monitor id that prefixes another
		must(t, s.AddHistory(ctx, rows...), "add history")
		cases := []struct {
			name    string
			monitor string
			q       store.HistoryQuery
			want    []int // seconds, newest first
		}{
			{"all", "web", store.HistoryQuery{}, []int{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
			{"limit", "web", store.HistoryQuery{Limit: 3}, []int{9, 8, 7}},
			{"since inclusive", "web", store.HistoryQuery{Since: at(6)}, []int{9, 8, 7, 6}},
			{"before exclusive", "web", store.HistoryQuery{Before: at(3)}, []int{2, 1, 0}},
			{"window", "web", store.HistoryQuery{Since: at(3), Before: at(6)}, []int{5, 4, 3}},
			{"window and limit", "web", store.HistoryQuery{Since: at(1), Before: at(8), Limit: 2}, []int{7, 6}},
			{"empty window", "web", store.HistoryQuery{Since: at(5), Before: at(5)}, nil},
			{"other monitor", "we", store.HistoryQuery{}, []int{3}},
			{"unknown monitor", "nope", store.HistoryQuery{}, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, err := s.History(ctx, c.monitor, c.q)
				must(t, err, "read history")
				var gotSecs []int
				for _, r := range got {
					if r.MonitorID != c.monitor {
						t.Errorf("row %s belongs to %q", r.ID, r.MonitorID)
					}
					gotSecs = append(gotSecs, int(r.FinishedAt.Sub(base)/time.Second))
				}
				if fmt.Sprint(gotSecs) != fmt.Sprint(c.want) {
					t.Errorf("got seconds %v, want %v", gotSecs, c.want)
				}
			})
		}
	})

	t.Run("DefaultLimitIs100", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		var rows []engine.Result
		for sec := 0; sec < 120; sec++ {
			rows = append(rows, result("web", sec))
		}
		must(t, s.AddHistory(ctx, rows...), "add 120 rows")
		got, err := s.History(ctx, "web", store.HistoryQuery{})
		must(t, err, "read history")
		if len(got) != 100 {
			t.Fatalf("got %d rows, want the default limit 100", len(got))
		}
		same(t, "newest row", got[0], rows[119])
	})
}

// recordAPI adapts events and reaction logs, which the interface treats the
// same way, to one table of tests.
type recordAPI struct {
	name string
	add  func(ctx context.Context, s store.Store, monitor string, secs ...int) error
	list func(ctx context.Context, s store.Store, monitor string, limit int) ([]string, error)
	id   func(monitor string, sec int) string
}

var recordAPIs = []recordAPI{
	{
		name: "Events",
		add: func(ctx context.Context, s store.Store, m string, secs ...int) error {
			var es []engine.Event
			for _, sec := range secs {
				es = append(es, event(m, sec))
			}
			return s.AddEvents(ctx, es...)
		},
		list: func(ctx context.Context, s store.Store, m string, limit int) ([]string, error) {
			es, err := s.Events(ctx, m, limit)
			var ids []string
			for _, e := range es {
				ids = append(ids, e.ID)
			}
			return ids, err
		},
		id: func(m string, sec int) string { return event(m, sec).ID },
	},
	{
		name: "ReactionLogs",
		add: func(ctx context.Context, s store.Store, m string, secs ...int) error {
			var ls []engine.ReactionLog
			for _, sec := range secs {
				ls = append(ls, reactionLog(m, sec))
			}
			return s.AddReactionLogs(ctx, ls...)
		},
		list: func(ctx context.Context, s store.Store, m string, limit int) ([]string, error) {
			ls, err := s.ReactionLogs(ctx, m, limit)
			var ids []string
			for _, l := range ls {
				ids = append(ids, l.ID)
			}
			return ids, err
		},
		id: func(m string, sec int) string { return reactionLog(m, sec).ID },
	},
}

func testEventsAndLogs(t *testing.T, f Factory) {
	for _, api := range recordAPIs {
		t.Run(api.name, func(t *testing.T) {
			ctx, s := testCtx(t), f.Open(t)
			must(t, api.add(ctx, s, "web", 1, 3, 5), "add for web")
			must(t, api.add(ctx, s, "db", 2, 4), "add for db")
			must(t, api.add(ctx, s, "web", 3, 1), "add duplicates")
			cases := []struct {
				monitor string
				limit   int
				want    []string
			}{
				{"web", 0, []string{api.id("web", 5), api.id("web", 3), api.id("web", 1)}},
				{"web", 2, []string{api.id("web", 5), api.id("web", 3)}},
				{"db", 10, []string{api.id("db", 4), api.id("db", 2)}},
				{"", 0, []string{api.id("web", 5), api.id("db", 4), api.id("web", 3), api.id("db", 2), api.id("web", 1)}},
				{"", 2, []string{api.id("web", 5), api.id("db", 4)}},
				{"nope", 0, nil},
			}
			for _, c := range cases {
				got, err := api.list(ctx, s, c.monitor, c.limit)
				must(t, err, "list "+api.name)
				sameIDs(t, fmt.Sprintf("%s of %q limit %d", api.name, c.monitor, c.limit), got, c.want)
			}
		})
	}

	t.Run("RoundTrip", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		e, l := event("web", 7), reactionLog("web", 7)
		must(t, s.AddEvents(ctx, e), "add event")
		must(t, s.AddReactionLogs(ctx, l), "add reaction log")
		es, err := s.Events(ctx, "web", 1)
		must(t, err, "read events")
		ls, err := s.ReactionLogs(ctx, "web", 1)
		must(t, err, "read reaction logs")
		if len(es) != 1 || len(ls) != 1 {
			t.Fatalf("got %d events and %d logs, want 1 each", len(es), len(ls))
		}
		same(t, "event", es[0], e)
		same(t, "reaction log", ls[0], l)
	})
}
