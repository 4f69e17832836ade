package rethink

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	r "gopkg.in/rethinkdb/rethinkdb-go.v6"

	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/host/lock"
)

// Plugin tables join the schema list here, like the web's extra tables,
// so ensureSchema creates them on every open without a migration.
const (
	tPluginBlobs       = "plugin_blobs"
	tPluginRecords     = "plugin_records"
	tPluginDeployments = "plugin_deployments"
)

func init() {
	for _, t := range []string{tPluginBlobs, tPluginRecords, tPluginDeployments} {
		schema = append(schema, struct {
			table   string
			indexes []indexSpec
		}{t, nil})
	}
}

var _ store.PluginsExt = (*Store)(nil)

// blobRow keeps a module base64-encoded: the JSON protocol has no bytes,
// and the driver's BINARY pseudo-type is not something every server in
// the path (the test server included) interprets.
type blobRow struct {
	ID   string `rethinkdb:"id"`
	Wasm string `rethinkdb:"wasm"`
}

// pluginRow is a record or deployment as JSON text beside the fields
// queries filter on.
type pluginRow struct {
	ID   string `rethinkdb:"id"`
	Zone string `rethinkdb:"zone"`
	Name string `rethinkdb:"name"`
	Body string `rethinkdb:"body"`
}

func (s *Store) PutPluginBlob(ctx context.Context, digest string, wasm []byte) error {
	what := fmt.Sprintf("put plugin blob %s", digest)
	if got := lock.Digest(wasm); got != digest {
		return fmt.Errorf("%s: bytes have sha256 %s", what, got)
	}
	// Content-addressed: a row with this id already holds these bytes.
	_, err := s.write(ctx, what, s.table(tPluginBlobs).Insert(blobRow{ID: digest, Wasm: base64.StdEncoding.EncodeToString(wasm)},
		r.InsertOpts{Conflict: keepOld}))
	return err
}

func (s *Store) GetPluginBlob(ctx context.Context, digest string) ([]byte, error) {
	what := fmt.Sprintf("get plugin blob %s", digest)
	var row blobRow
	found, err := s.one(ctx, what, s.table(tPluginBlobs).Get(digest), &row)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	b, err := base64.StdEncoding.DecodeString(row.Wasm)
	if err != nil {
		return nil, fmt.Errorf("%s: decode: %w", what, err)
	}
	return b, nil
}

func (s *Store) PutPluginRecord(ctx context.Context, e lock.Entry) error {
	what := fmt.Sprintf("put plugin record %s@%s", e.Name, e.Version)
	e.Path = ""
	if err := validRecord(e); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	old, err := s.GetPluginRecord(ctx, e.Name, e.Version)
	switch {
	case err == nil && old.SHA256 != e.SHA256:
		return fmt.Errorf("%s: %w: recorded with sha256 %s, offered %s", what, store.ErrConflict, old.SHA256, e.SHA256)
	case err != nil && !isNotFound(err):
		return err
	}
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("%s: encode: %w", what, err)
	}
	// keepOld: two pushes of the same version race to the same bytes.
	_, err = s.write(ctx, what, s.table(tPluginRecords).Insert(
		pluginRow{ID: e.Name + "@" + e.Version, Name: e.Name, Body: string(b)}, r.InsertOpts{Conflict: keepOld}))
	return err
}

func (s *Store) GetPluginRecord(ctx context.Context, name, version string) (lock.Entry, error) {
	var e lock.Entry
	err := s.pluginGet(ctx, fmt.Sprintf("get plugin record %s@%s", name, version), tPluginRecords, name+"@"+version, &e)
	return e, err
}

func (s *Store) ListPluginRecords(ctx context.Context, name string) ([]lock.Entry, error) {
	q := s.table(tPluginRecords)
	if name != "" {
		q = q.Filter(map[string]interface{}{"name": name})
	}
	var rows []pluginRow
	if err := s.all(ctx, fmt.Sprintf("list plugin records %q", name), q, &rows); err != nil {
		return nil, err
	}
	out := make([]lock.Entry, 0, len(rows))
	for _, row := range rows {
		var e lock.Entry
		if err := json.Unmarshal([]byte(row.Body), &e); err != nil {
			return nil, fmt.Errorf("decode plugin record %q: %w", row.ID, err)
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Version < out[j].Version
	})
	return out, nil
}

// SetPluginCurrent reads, changes and replaces the deployment row.
// RethinkDB has no multi-document transactions; two operators changing
// one zone's plugin at the same instant may lose a history step (the
// current version is still one of theirs), which bbolt does not.
func (s *Store) SetPluginCurrent(ctx context.Context, zone, name, version string) (store.PluginDeployment, error) {
	what := fmt.Sprintf("set plugin %s@%s current in zone %s", name, version, zone)
	e, err := s.GetPluginRecord(ctx, name, version)
	if err != nil {
		return store.PluginDeployment{}, fmt.Errorf("%s: %w", what, err)
	}
	return s.changeDeployment(ctx, what, zone, name, func(d store.PluginDeployment) (store.PluginDeployment, error) {
		return d.PushHistory(store.PluginVersionRef{Version: e.Version, SHA256: e.SHA256}, time.Now().UTC()), nil
	})
}

func (s *Store) RollbackPlugin(ctx context.Context, zone, name string) (store.PluginDeployment, error) {
	what := fmt.Sprintf("roll back plugin %s in zone %s", name, zone)
	return s.changeDeployment(ctx, what, zone, name, func(d store.PluginDeployment) (store.PluginDeployment, error) {
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

func (s *Store) changeDeployment(ctx context.Context, what, zone, name string,
	change func(store.PluginDeployment) (store.PluginDeployment, error)) (store.PluginDeployment, error) {
	if zone == "" || name == "" {
		return store.PluginDeployment{}, fmt.Errorf("%s: zone and name are required", what)
	}
	d, err := s.GetPluginDeployment(ctx, zone, name)
	if err != nil && !isNotFound(err) {
		return d, err
	}
	if err != nil {
		d = store.PluginDeployment{Zone: zone, Name: name}
	}
	if d, err = change(d); err != nil {
		return d, fmt.Errorf("%s: %w", what, err)
	}
	b, err := json.Marshal(d)
	if err != nil {
		return d, fmt.Errorf("%s: encode: %w", what, err)
	}
	_, err = s.write(ctx, what, s.table(tPluginDeployments).Insert(
		pluginRow{ID: zone + "/" + name, Zone: zone, Name: name, Body: string(b)}, r.InsertOpts{Conflict: "replace"}))
	return d, err
}

func (s *Store) GetPluginDeployment(ctx context.Context, zone, name string) (store.PluginDeployment, error) {
	var d store.PluginDeployment
	err := s.pluginGet(ctx, fmt.Sprintf("get plugin %s deployment in zone %s", name, zone), tPluginDeployments, zone+"/"+name, &d)
	return d, err
}

func (s *Store) ListPluginDeployments(ctx context.Context, zone, name string) ([]store.PluginDeployment, error) {
	filter := map[string]interface{}{}
	if zone != "" {
		filter["zone"] = zone
	}
	if name != "" {
		filter["name"] = name
	}
	q := s.table(tPluginDeployments)
	if len(filter) > 0 {
		q = q.Filter(filter)
	}
	var rows []pluginRow
	if err := s.all(ctx, fmt.Sprintf("list plugin deployments (zone %q, name %q)", zone, name), q, &rows); err != nil {
		return nil, err
	}
	out := make([]store.PluginDeployment, 0, len(rows))
	for _, row := range rows {
		var d store.PluginDeployment
		if err := json.Unmarshal([]byte(row.Body), &d); err != nil {
			return nil, fmt.Errorf("decode plugin deployment %q: %w", row.ID, err)
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Zone != out[j].Zone {
			return out[i].Zone < out[j].Zone
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

func (s *Store) pluginGet(ctx context.Context, what, table, id string, out any) error {
	var row pluginRow
	found, err := s.one(ctx, what, s.table(table).Get(id), &row)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	if err := json.Unmarshal([]byte(row.Body), out); err != nil {
		return fmt.Errorf("%s: decode: %w", what, err)
	}
	return nil
}

// validRecord checks a record's fields; Path is not part of a record.
func validRecord(e lock.Entry) error {
	e.Path = "(store)"
	return e.Validate()
}
