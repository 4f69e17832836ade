package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/runbookhq/runbook/engine/store"
)

// Audit entries and status slugs live in buckets made on first write, like
// the other web objects (accounts_ext.go): no migration step.
var (
	// ext_audit: timeKey(at)+prefixed(id) → entry, so a reverse cursor
	// walk is newest first.
	bucketAudit = []byte("ext_audit")
	// ext_audit_ids: id → key in ext_audit, for idempotent adds.
	bucketAuditIDs = []byte("ext_audit_ids")
	// ext_audit_by_owner: prefixed(owner)+key → key, so one account's
	// page never scans the others' entries.
	bucketAuditByOwner = []byte("ext_audit_by_owner")
	// ext_status_slugs: slug → owner; ext_status_slug_of: owner → slug.
	bucketSlugs   = []byte("ext_status_slugs")
	bucketSlugsOf = []byte("ext_status_slug_of")
)

var _ store.WebExt = (*Store)(nil)

func (s *Store) AddAudit(ctx context.Context, entries ...store.AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	return s.update(ctx, fmt.Sprintf("add %d audit entries", len(entries)), func(tx *bbolt.Tx) error {
		var bks [3]*bbolt.Bucket
		for i, name := range [][]byte{bucketAudit, bucketAuditIDs, bucketAuditByOwner} {
			b, err := tx.CreateBucketIfNotExists(name)
			if err != nil {
				return err
			}
			bks[i] = b
		}
		for _, e := range entries {
			if e.ID == "" {
				return fmt.Errorf("audit entry: empty id")
			}
			if bks[1].Get([]byte(e.ID)) != nil {
				continue
			}
			v, err := json.Marshal(e)
			if err != nil {
				return fmt.Errorf("encode audit entry %q: %w", e.ID, err)
			}
			k := concat(timeKey(e.At), prefixed(e.ID))
			if err := bks[0].Put(k, v); err != nil {
				return err
			}
			if err := bks[1].Put([]byte(e.ID), k); err != nil {
				return err
			}
			if err := bks[2].Put(concat(prefixed(e.Owner), k), k); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) ListAudit(ctx context.Context, q store.AuditQuery) ([]store.AuditEntry, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	out := []store.AuditEntry{}
	err := s.view(ctx, fmt.Sprintf("list audit of %q", q.Owner), func(tx *bbolt.Tx) error {
		main := tx.Bucket(bucketAudit)
		if main == nil {
			return nil
		}
		// Walk an index backwards from just before the bound: the main
		// bucket for everyone, the owner index for one account.
		idx, prefix := main, []byte(nil)
		if q.Owner != "" {
			idx, prefix = tx.Bucket(bucketAuditByOwner), prefixed(q.Owner)
		}
		seek := prefixEnd(prefix)
		if !q.Before.IsZero() {
			seek = concat(prefix, timeKey(q.Before))
		}
		cur := idx.Cursor()
		var k, v []byte
		if seek == nil {
			k, v = cur.Last()
		} else if k, v = cur.Seek(seek); k == nil {
			k, v = cur.Last()
		} else {
			k, v = cur.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, v = cur.Prev() {
			if prefix != nil {
				v = main.Get(v)
			}
			var e store.AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("decode audit entry: %w", err)
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

func (s *Store) SetStatusSlug(ctx context.Context, owner, slug string) error {
	if owner == "" {
		return fmt.Errorf("set status slug: empty owner")
	}
	return s.update(ctx, fmt.Sprintf("set status slug of %q", owner), func(tx *bbolt.Tx) error {
		slugs, err := tx.CreateBucketIfNotExists(bucketSlugs)
		if err != nil {
			return err
		}
		of, err := tx.CreateBucketIfNotExists(bucketSlugsOf)
		if err != nil {
			return err
		}
		if slug != "" {
			if o := slugs.Get([]byte(slug)); o != nil && string(o) != owner {
				return fmt.Errorf("status page slug %q is taken: %w", slug, store.ErrConflict)
			}
		}
		if old := of.Get([]byte(owner)); old != nil && string(old) != slug {
			if err := slugs.Delete(append([]byte(nil), old...)); err != nil {
				return err
			}
		}
		if slug == "" {
			return of.Delete([]byte(owner))
		}
		if err := slugs.Put([]byte(slug), []byte(owner)); err != nil {
			return err
		}
		return of.Put([]byte(owner), []byte(slug))
	})
}

func (s *Store) StatusSlugOwner(ctx context.Context, slug string) (string, error) {
	return s.extString(ctx, fmt.Sprintf("get status slug %q", slug), bucketSlugs, slug)
}

func (s *Store) StatusSlug(ctx context.Context, owner string) (string, error) {
	return s.extString(ctx, fmt.Sprintf("get status slug of %q", owner), bucketSlugsOf, owner)
}

func (s *Store) extString(ctx context.Context, op string, bucket []byte, key string) (string, error) {
	var out string
	err := s.view(ctx, op, func(tx *bbolt.Tx) error {
		bk := tx.Bucket(bucket)
		if bk == nil {
			return store.ErrNotFound
		}
		v := bk.Get([]byte(key))
		if v == nil {
			return store.ErrNotFound
		}
		out = string(v)
		return nil
	})
	return out, err
}
