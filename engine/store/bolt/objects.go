package bolt

import (
	"encoding/json"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// objectKind describes an owned, zone-announced object: monitors and
// reactions are stored the same way and differ only in names and ops.
type objectKind struct {
	name    string
	data    []byte
	byOwner []byte
	upsert  engine.QueueOp
	delete  engine.QueueOp
}

var (
	monitorKind = objectKind{
		name: "monitor", data: bucketMonitors, byOwner: bucketMonitorsByOwner,
		upsert: engine.OpUpsertMonitor, delete: engine.OpDeleteMonitor,
	}
	reactionKind = objectKind{
		name: "reaction", data: bucketReactions, byOwner: bucketReactionsByOwner,
		upsert: engine.OpUpsertReaction, delete: engine.OpDeleteReaction,
	}
)

func ownerKey(owner, id string) []byte { return concat(prefixed(owner), []byte(id)) }

// ownerOf reads just the owner field of a stored object, to move its index
// entry when the owner changes.
func ownerOf(v []byte) (string, error) {
	var o struct {
		Owner string `json:"owner"`
	}
	err := json.Unmarshal(v, &o)
	return o.Owner, err
}

// putObject writes the object, its owner index and one queue entry per
// zone in notify, all in tx.
func (s *Store) putObject(tx *bbolt.Tx, k objectKind, id, owner string, obj any, notify []string) error {
	if id == "" {
		return fmt.Errorf("%s has no id", k.name)
	}
	v, err := json.Marshal(obj)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	data, idx := tx.Bucket(k.data), tx.Bucket(k.byOwner)
	if old := data.Get([]byte(id)); old != nil {
		oldOwner, err := ownerOf(old)
		if err != nil {
			return fmt.Errorf("decode stored %s: %w", k.name, err)
		}
		if err := idx.Delete(ownerKey(oldOwner, id)); err != nil {
			return err
		}
	}
	if err := data.Put([]byte(id), v); err != nil {
		return err
	}
	if err := idx.Put(ownerKey(owner, id), nil); err != nil {
		return err
	}
	return s.announce(tx, k.upsert, id, notify)
}

// deleteObject removes the object and queues its deletion; a missing
// object is store.ErrNotFound and queues nothing.
func (s *Store) deleteObject(tx *bbolt.Tx, k objectKind, id string, notify []string) error {
	data := tx.Bucket(k.data)
	old := data.Get([]byte(id))
	if old == nil {
		return store.ErrNotFound
	}
	owner, err := ownerOf(old)
	if err != nil {
		return fmt.Errorf("decode stored %s: %w", k.name, err)
	}
	if err := tx.Bucket(k.byOwner).Delete(ownerKey(owner, id)); err != nil {
		return err
	}
	if err := data.Delete([]byte(id)); err != nil {
		return err
	}
	return s.announce(tx, k.delete, id, notify)
}

// announce queues op for every distinct zone in notify, in notify's order.
func (s *Store) announce(tx *bbolt.Tx, op engine.QueueOp, id string, notify []string) error {
	seen := make(map[string]bool, len(notify))
	for _, zone := range notify {
		if seen[zone] {
			continue
		}
		seen[zone] = true
		if err := s.enqueueTx(tx, zone, engine.QueueEntry{Op: op, ObjectID: id}); err != nil {
			return err
		}
	}
	return nil
}

// getObject decodes the object id into out, or returns store.ErrNotFound.
func getObject(tx *bbolt.Tx, k objectKind, id string, out any) error {
	v := tx.Bucket(k.data).Get([]byte(id))
	if v == nil {
		return store.ErrNotFound
	}
	if err := json.Unmarshal(v, out); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return nil
}

// listObjects returns owner's objects ("" = all), ordered by id.
func listObjects[T any](tx *bbolt.Tx, k objectKind, owner string) ([]T, error) {
	out := []T{}
	decode := func(v []byte) error {
		var x T
		if err := json.Unmarshal(v, &x); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		out = append(out, x)
		return nil
	}
	data := tx.Bucket(k.data)
	if owner == "" {
		return out, data.ForEach(func(_, v []byte) error { return decode(v) })
	}
	prefix := prefixed(owner)
	c := tx.Bucket(k.byOwner).Cursor()
	for key, _ := c.Seek(prefix); key != nil && hasPrefix(key, prefix); key, _ = c.Next() {
		id := key[len(prefix):]
		v := data.Get(id)
		if v == nil {
			return nil, fmt.Errorf("owner index names %s %q, which does not exist", k.name, id)
		}
		if err := decode(v); err != nil {
			return nil, err
		}
	}
	return out, nil
}
