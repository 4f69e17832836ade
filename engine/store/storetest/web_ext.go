package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine/store"
)

// RunWebExt tests store.WebExt: the audit trail (newest first, per owner,
// paged by time, idempotent, kept across a reopen) and status page slugs
// (unique, moved, cleared). Backends call it beside RunFactory.
func RunWebExt(t *testing.T, f Factory) {
	t.Run("Audit", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		got, err := s.ListAudit(ctx, store.AuditQuery{})
		must(t, err, "list audit of an empty store")
		if len(got) != 0 {
			t.Fatalf("empty store lists audit %v", got)
		}
		base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		var all []store.AuditEntry
		for i := range 6 {
			owner := "u-a"
			if i%2 == 1 {
				owner = "u-b"
			}
			all = append(all, store.AuditEntry{
				ID: fmt.Sprintf("a%02d", i), At: base.Add(time.Duration(i) * time.Second), UserID: owner, UserEmail: owner + "@example.test",
				Owner: owner, Action: "update", ObjectType: "monitor", ObjectID: "m1", MonitorID: "m1", Fields: []string{"name", "secrets.api"},
			})
		}
		// Two entries in the same instant are ordered by id.
		all[5].At = all[4].At
		must(t, s.AddAudit(ctx, all[:3]...), "add first entries")
		must(t, s.AddAudit(ctx, all[2:]...), "add the rest, one again")
		again := all[0]
		again.Action = "delete"
		must(t, s.AddAudit(ctx, again), "add an existing id")

		got, err = s.ListAudit(ctx, store.AuditQuery{})
		must(t, err, "list all")
		ids := auditIDs(got)
		if fmt.Sprint(ids) != "[a05 a04 a03 a02 a01 a00]" {
			t.Fatalf("all entries %v, want newest first a05..a00", ids)
		}
		same(t, "entry a00 (adding it again is a no-op)", got[5], all[0])

		got, err = s.ListAudit(ctx, store.AuditQuery{Owner: "u-a"})
		must(t, err, "list owner")
		if fmt.Sprint(auditIDs(got)) != "[a04 a02 a00]" {
			t.Errorf("u-a's entries %v, want [a04 a02 a00]", auditIDs(got))
		}
		got, err = s.ListAudit(ctx, store.AuditQuery{Owner: "u-b", Limit: 2})
		must(t, err, "list owner limited")
		if fmt.Sprint(auditIDs(got)) != "[a05 a03]" {
			t.Errorf("u-b's newest two %v, want [a05 a03]", auditIDs(got))
		}
		got, err = s.ListAudit(ctx, store.AuditQuery{Before: all[3].At})
		must(t, err, "list before")
		if fmt.Sprint(auditIDs(got)) != "[a02 a01 a00]" {
			t.Errorf("entries before a03 %v, want [a02 a01 a00]", auditIDs(got))
		}
		got, err = s.ListAudit(ctx, store.AuditQuery{Owner: "u-b", Before: all[3].At})
		must(t, err, "list owner before")
		if fmt.Sprint(auditIDs(got)) != "[a01]" {
			t.Errorf("u-b before a03 %v, want [a01]", auditIDs(got))
		}
		got, err = s.ListAudit(ctx, store.AuditQuery{Owner: "u-nobody"})
		must(t, err, "list unknown owner")
		if len(got) != 0 {
			t.Errorf("unknown owner sees %v", auditIDs(got))
		}
		if f.Reopen != nil {
			s = f.Reopen(t, s)
			got, err = s.ListAudit(ctx, store.AuditQuery{})
			must(t, err, "list after reopen")
			if len(got) != 6 {
				t.Errorf("after reopen %d entries, want 6", len(got))
			}
		}
	})

	t.Run("StatusSlugs", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		if _, err := s.StatusSlugOwner(ctx, "ops"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown slug: %v, want ErrNotFound", err)
		}
		if _, err := s.StatusSlug(ctx, "u-a"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("owner without slug: %v, want ErrNotFound", err)
		}
		must(t, s.SetStatusSlug(ctx, "u-a", "ops"), "claim ops")
		must(t, s.SetStatusSlug(ctx, "u-a", "ops"), "claim ops again")
		if err := s.SetStatusSlug(ctx, "u-b", "ops"); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second owner claims ops: %v, want ErrConflict", err)
		}
		if o, err := s.StatusSlugOwner(ctx, "ops"); err != nil || o != "u-a" {
			t.Fatalf("ops held by %q, %v; want u-a", o, err)
		}
		must(t, s.SetStatusSlug(ctx, "u-a", "ops-2"), "move to ops-2")
		if _, err := s.StatusSlugOwner(ctx, "ops"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("old slug after a move: %v, want ErrNotFound", err)
		}
		if sl, err := s.StatusSlug(ctx, "u-a"); err != nil || sl != "ops-2" {
			t.Errorf("u-a's slug %q, %v; want ops-2", sl, err)
		}
		must(t, s.SetStatusSlug(ctx, "u-b", "ops"), "u-b claims the released ops")
		must(t, s.SetStatusSlug(ctx, "u-a", ""), "clear u-a's slug")
		if _, err := s.StatusSlug(ctx, "u-a"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("cleared slug: %v, want ErrNotFound", err)
		}
		if _, err := s.StatusSlugOwner(ctx, "ops-2"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("cleared slug still resolves: %v", err)
		}
		if o, _ := s.StatusSlugOwner(ctx, "ops"); o != "u-b" {
			t.Errorf("ops held by %q after u-a cleared theirs, want u-b", o)
		}
	})
}

func auditIDs(es []store.AuditEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}
