package rethink

import (
	"context"
	"fmt"
	"slices"

	r "gopkg.in/rethinkdb/rethinkdb-go.v6"
)

// Table names.
const (
	tMeta         = "meta"
	tMonitors     = "monitors"
	tReactions    = "reactions"
	tHistory      = "history"
	tEvents       = "events"
	tReactionLogs = "reaction_logs"
	tQueue        = "queue"
	tUsers        = "users"
	tEmails       = "emails"
	tTokens       = "tokens"
)

// indexSpec is a secondary index: on a field, or on fields as a compound
// key when fields has more than one name.
type indexSpec struct {
	name   string
	fields []string
}

// schema is every table with its secondary indexes.
var schema = []struct {
	table   string
	indexes []indexSpec
}{
	{tMeta, nil},
	{tMonitors, []indexSpec{{"owner", []string{"owner"}}}},
	{tReactions, []indexSpec{{"owner", []string{"owner"}}}},
	{tHistory, []indexSpec{{"monitor_at", []string{"monitor_id", "at"}}, {"at", []string{"at"}}}},
	{tEvents, []indexSpec{{"monitor_at", []string{"monitor_id", "at"}}, {"at", []string{"at"}}}},
	{tReactionLogs, []indexSpec{{"monitor_at", []string{"monitor_id", "at"}}, {"at", []string{"at"}}}},
	{tQueue, []indexSpec{{"zone_id", []string{"zone", "id"}}}},
	{tUsers, []indexSpec{{"email", []string{"email"}}}},
	{tEmails, nil},
	{tTokens, nil},
}

// schemaVersion is the layout this binary writes. Bump it and add a
// migration when a table, index or row shape changes.
const schemaVersion = 1

// migrations[v] moves a database from version v to v+1. Each must be safe
// to run again after a crash half-way (ensureSchema records the version only
// after it succeeds).
var migrations = map[int]func(ctx context.Context, s *Store) error{}

type metaRow struct {
	ID      string `rethinkdb:"id"`
	Version int    `rethinkdb:"version"`
}

// ensureSchema creates what is missing and migrates what is old. Several
// processes may start at once: every create tolerates losing the race.
func (s *Store) ensureSchema(ctx context.Context) error {
	var dbs []string
	if err := s.all(ctx, "list databases", r.DBList(), &dbs); err != nil {
		return err
	}
	if !slices.Contains(dbs, s.opts.Database) {
		if _, err := s.write(ctx, "create database "+s.opts.Database, r.DBCreate(s.opts.Database)); err != nil {
			if err2 := s.all(ctx, "list databases", r.DBList(), &dbs); err2 != nil || !slices.Contains(dbs, s.opts.Database) {
				return err
			}
		}
	}
	var tables []string
	if err := s.all(ctx, "list tables", s.db.TableList(), &tables); err != nil {
		return err
	}
	for _, t := range schema {
		if !slices.Contains(tables, t.table) {
			if err := s.createTable(ctx, t.table); err != nil {
				return err
			}
		}
		if err := s.ensureIndexes(ctx, t.table, t.indexes); err != nil {
			return err
		}
	}
	return s.migrate(ctx)
}

func (s *Store) createTable(ctx context.Context, name string) error {
	_, err := s.write(ctx, "create table "+name, s.db.TableCreate(name))
	if err == nil {
		return nil
	}
	var tables []string
	if err2 := s.all(ctx, "list tables", s.db.TableList(), &tables); err2 == nil && slices.Contains(tables, name) {
		return nil // another process created it first
	}
	return err
}

func (s *Store) ensureIndexes(ctx context.Context, table string, specs []indexSpec) error {
	if len(specs) == 0 {
		return nil
	}
	var have []string
	if err := s.all(ctx, "list indexes of "+table, s.table(table).IndexList(), &have); err != nil {
		return err
	}
	for _, ix := range specs {
		if slices.Contains(have, ix.name) {
			continue
		}
		var create r.Term
		if len(ix.fields) == 1 && ix.fields[0] == ix.name {
			create = s.table(table).IndexCreate(ix.name)
		} else {
			fields := ix.fields
			create = s.table(table).IndexCreateFunc(ix.name, func(row r.Term) interface{} {
				key := make([]interface{}, len(fields))
				for i, f := range fields {
					key[i] = row.Field(f)
				}
				if len(key) == 1 {
					return key[0]
				}
				return key
			})
		}
		if _, err := s.write(ctx, fmt.Sprintf("create index %s on %s", ix.name, table), create); err != nil {
			var now []string
			if err2 := s.all(ctx, "list indexes of "+table, s.table(table).IndexList(), &now); err2 != nil || !slices.Contains(now, ix.name) {
				return err
			}
		}
	}
	var ready []any
	return s.all(ctx, "wait for indexes of "+table, s.table(table).IndexWait(), &ready)
}

// migrate records the version on a fresh database, runs the migrations an
// older one needs, and refuses a database a newer binary wrote.
func (s *Store) migrate(ctx context.Context) error {
	var m metaRow
	found, err := s.one(ctx, "read schema version", s.table(tMeta).Get("schema"), &m)
	if err != nil {
		return err
	}
	if !found {
		// A fresh database (or one from before versions were recorded,
		// which is the same thing at version 1).
		_, err := s.write(ctx, "record schema version",
			s.table(tMeta).Insert(metaRow{ID: "schema", Version: schemaVersion}, r.InsertOpts{Conflict: keepOld}))
		if err != nil {
			return err
		}
		if _, err := s.one(ctx, "read schema version", s.table(tMeta).Get("schema"), &m); err != nil {
			return err
		}
	}
	if m.Version > schemaVersion {
		return fmt.Errorf("rethinkdb database %s has schema version %d; this binary knows up to %d: upgrade it",
			s.opts.Database, m.Version, schemaVersion)
	}
	for v := m.Version; v < schemaVersion; v++ {
		step, ok := migrations[v]
		if !ok {
			return fmt.Errorf("no migration from schema version %d to %d", v, v+1)
		}
		if err := step(ctx, s); err != nil {
			return fmt.Errorf("migrate schema from version %d to %d: %w", v, v+1, err)
		}
		if _, err := s.write(ctx, fmt.Sprintf("record schema version %d", v+1),
			s.table(tMeta).Get("schema").Update(map[string]interface{}{"version": v + 1})); err != nil {
			return err
		}
	}
	return nil
}

// keepOld is an insert conflict function that keeps the stored row, which
// makes inserting a row whose id exists a no-op ("unchanged").
func keepOld(id, oldDoc, newDoc r.Term) interface{} { return oldDoc }
