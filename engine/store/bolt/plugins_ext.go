package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/host/lock"
)

// Plugin buckets are created on first write, like the other ext buckets:
// an older file needs no migration. Keys join their parts with a NUL so
// a prefix scan for one name (or zone) never matches a longer one.
var (
	bucketPluginBlobs       = []byte("ext_plugin_blobs")       // digest → wasm
	bucketPluginRecords     = []byte("ext_plugin_records")     // name\0version → entry JSON
	bucketPluginDeployments = []byte("ext_plugin_deployments") // zone\0name → deployment JSON
)

var _ store.PluginsExt = (*Store)(nil)

func pluginKey(a, b string) []byte { return []byte(a + "\x00" + b) }

func (s *Store) PutPluginBlob(ctx context.Context, digest string, wasm []byte) error {
	op := fmt.Sprintf("put plugin blob %s", digest)
	if got := lock.Digest(wasm); got != digest {
		return fmt.Errorf("%s: bytes have sha256 %s", op, got)
	}
	return s.update(ctx, op, func(tx *bbolt.Tx) error {
		bk, err := tx.CreateBucketIfNotExists(bucketPluginBlobs)
		if err != nil {
			return err
		}
		if bk.Get([]byte(digest)) != nil {
			return nil // content-addressed: the same key is the same bytes
		}
		return bk.Put([]byte(digest), wasm)
	})
}

func (s *Store) GetPluginBlob(ctx context.Context, digest string) ([]byte, error) {
	var out []byte
	err := s.view(ctx, fmt.Sprintf("get plugin blob %s", digest), func(tx *bbolt.Tx) error {
		bk := tx.Bucket(bucketPluginBlobs)
		if bk == nil {
			return store.ErrNotFound
		}
		v := bk.Get([]byte(digest))
		if v == nil {
			return store.ErrNotFound
		}
		out = bytes.Clone(v) // bbolt's slice dies with the transaction
		return nil
	})
	return out, err
}

func (s *Store) PutPluginRecord(ctx context.Context, e lock.Entry) error {
	op := fmt.Sprintf("put plugin record %s@%s", e.Name, e.Version)
	e.Path = ""
	if err := validRecord(e); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("%s: encode: %w", op, err)
	}
	return s.update(ctx, op, func(tx *bbolt.Tx) error {
		bk, err := tx.CreateBucketIfNotExists(bucketPluginRecords)
		if err != nil {
			return err
		}
		key := pluginKey(e.Name, e.Version)
		if v := bk.Get(key); v != nil {
			var old lock.Entry
			if err := json.Unmarshal(v, &old); err != nil {
				return fmt.Errorf("decode: %w", err)
			}
			if old.SHA256 != e.SHA256 {
				return fmt.Errorf("%w: recorded with sha256 %s, offered %s", store.ErrConflict, old.SHA256, e.SHA256)
			}
		}
		return bk.Put(key, b)
	})
}

func (s *Store) GetPluginRecord(ctx context.Context, name, version string) (lock.Entry, error) {
	var e lock.Entry
	err := s.extGet(ctx, fmt.Sprintf("get plugin record %s@%s", name, version), bucketPluginRecords, string(pluginKey(name, version)), &e)
	return e, err
}

func (s *Store) ListPluginRecords(ctx context.Context, name string) ([]lock.Entry, error) {
	out := []lock.Entry{}
	err := s.extEach(ctx, fmt.Sprintf("list plugin records %q", name), bucketPluginRecords, func(k, v []byte) error {
		if name != "" && !bytes.HasPrefix(k, pluginKey(name, "")) {
			return nil
		}
		var e lock.Entry
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("decode plugin record %q: %w", k, err)
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

func (s *Store) SetPluginCurrent(ctx context.Context, zone, name, version string) (store.PluginDeployment, error) {
	op := fmt.Sprintf("set plugin %s@%s current in zone %s", name, version, zone)
	return s.changeDeployment(ctx, op, zone, name, func(tx *bbolt.Tx, d store.PluginDeployment) (store.PluginDeployment, error) {
		var e lock.Entry
		rb := tx.Bucket(bucketPluginRecords)
		if rb == nil {
			return d, store.ErrNotFound
		}
		if err := getJSON(rb, pluginKey(name, version), &e); err != nil {
			return d, fmt.Errorf("record: %w", err)
		}
		return d.PushHistory(store.PluginVersionRef{Version: e.Version, SHA256: e.SHA256}, time.Now().UTC()), nil
	})
}

func (s *Store) RollbackPlugin(ctx context.Context, zone, name string) (store.PluginDeployment, error) {
	op := fmt.Sprintf("roll back plugin %s in zone %s", name, zone)
	return s.changeDeployment(ctx, op, zone, name, func(_ *bbolt.Tx, d store.PluginDeployment) (store.PluginDeployment, error) {
		if d.Version == "" {
			return d, store.ErrNotFound
		}
		d, ok := d.PopHistory(time.Now().UTC())
		if !ok {
			return d, store.ErrNoPreviousVersion
		}
		return d, nil
	})
}

// changeDeployment reads, changes and writes one deployment in a single
// transaction, so two operators pushing at once never lose a history step.
func (s *Store) changeDeployment(ctx context.Context, op, zone, name string,
	change func(*bbolt.Tx, store.PluginDeployment) (store.PluginDeployment, error)) (store.PluginDeployment, error) {
	var out store.PluginDeployment
	if zone == "" || name == "" {
		return out, fmt.Errorf("%s: zone and name are required", op)
	}
	err := s.update(ctx, op, func(tx *bbolt.Tx) error {
		bk, err := tx.CreateBucketIfNotExists(bucketPluginDeployments)
		if err != nil {
			return err
		}
		key := pluginKey(zone, name)
		d := store.PluginDeployment{Zone: zone, Name: name}
		if v := bk.Get(key); v != nil {
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("decode: %w", err)
			}
		}
		if d, err = change(tx, d); err != nil {
			return err
		}
		b, err := json.Marshal(d)
		if err != nil {
			return err
		}
		out = d
		return bk.Put(key, b)
	})
	return out, err
}

func (s *Store) GetPluginDeployment(ctx context.Context, zone, name string) (store.PluginDeployment, error) {
	var d store.PluginDeployment
	err := s.extGet(ctx, fmt.Sprintf("get plugin %s deployment in zone %s", name, zone), bucketPluginDeployments, string(pluginKey(zone, name)), &d)
	return d, err
}

func (s *Store) ListPluginDeployments(ctx context.Context, zone, name string) ([]store.PluginDeployment, error) {
	out := []store.PluginDeployment{}
	err := s.extEach(ctx, fmt.Sprintf("list plugin deployments (zone %q, name %q)", zone, name), bucketPluginDeployments, func(k, v []byte) error {
		var d store.PluginDeployment
		if err := json.Unmarshal(v, &d); err != nil {
			return fmt.Errorf("decode plugin deployment %q: %w", k, err)
		}
		if (zone == "" || d.Zone == zone) && (name == "" || d.Name == name) {
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// validRecord checks a record's fields; Path is not part of a record.
func validRecord(e lock.Entry) error {
	e.Path = "(store)"
	return e.Validate()
}
