package rethink

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	r "gopkg.in/rethinkdb/rethinkdb-go.v6"

	"github.com/runbookhq/runbook/engine/store"
)

// leaseID is the meta row naming who runs retention. Every zone's bridge
// may call Retain against one cluster; the lease makes them take turns
// instead of racing to roll up the same hours.
const leaseID = "retain-lease"

// leaseTTL bounds how long a crashed holder blocks the others. A holder
// renews at every hour it rolls up, far more often than this.
const leaseTTL = 5 * time.Minute

type leaseRow struct {
	ID     string `rethinkdb:"id"`
	Holder string `rethinkdb:"holder"`
	Until  string `rethinkdb:"until"`
}

type lease struct {
	s      *Store
	holder string
}

func newLeaseHolder() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// renew takes or extends the lease in one atomic insert: the stored row is
// replaced only when it is ours or has expired. It reports
// store.ErrRetainBusy when someone else holds it.
func (l *lease) renew(ctx context.Context) error {
	// Wall clock, not Retain's now: the lease is about real processes.
	now := time.Now()
	row := leaseRow{ID: leaseID, Holder: l.holder, Until: timeKey(now.Add(leaseTTL))}
	holder, nowKey := l.holder, timeKey(now)
	take := func(id, oldDoc, newDoc r.Term) interface{} {
		return r.Branch(r.Or(oldDoc.Field("holder").Eq(holder), oldDoc.Field("until").Lt(nowKey)), newDoc, oldDoc)
	}
	if _, err := l.s.write(ctx, "take the retention lease", l.s.table(tMeta).Insert(row, r.InsertOpts{Conflict: take})); err != nil {
		return err
	}
	var got leaseRow
	if _, err := l.s.one(ctx, "read the retention lease", l.s.table(tMeta).Get(leaseID), &got); err != nil {
		return err
	}
	if got.Holder != l.holder {
		return fmt.Errorf("%w (until %s)", store.ErrRetainBusy, got.Until)
	}
	return nil
}

// release gives the lease up if it is still ours.
func (l *lease) release(ctx context.Context) {
	_, _ = l.s.write(ctx, "release the retention lease",
		l.s.table(tMeta).Filter(map[string]interface{}{"id": leaseID, "holder": l.holder}).Delete())
}

// leasedOps renews the lease each time RunRetain looks for the next hour
// to roll up, so a long run keeps it and a run that lost it stops.
type leasedOps struct {
	retainOps
	l *lease
}

func (o leasedOps) FirstRaw(ctx context.Context, from time.Time) (time.Time, bool, error) {
	if from.IsZero() {
		if err := o.l.renew(ctx); err != nil {
			return time.Time{}, false, err
		}
	}
	return o.retainOps.FirstRaw(ctx, from)
}
