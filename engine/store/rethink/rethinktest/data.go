package rethinktest

import (
	"encoding/json"
	"sort"
)

// data is the whole database state. It is only touched with Server.mu held.
type data struct {
	dbs map[string]*database
}

type database struct {
	name   string
	tables map[string]*table
}

type table struct {
	db, name   string
	primaryKey string
	// rows are keyed by the JSON encoding of their primary key, which is
	// unique for the strings and numbers RethinkDB allows as keys.
	rows    map[string]any
	indexes map[string]*index
}

// index is a secondary index: a field name or a function of the row.
// Values are computed on every query; the test server needs no speed.
type index struct {
	name  string
	field string
	fn    *function
}

func newData() *data {
	return &data{dbs: map[string]*database{"test": {name: "test", tables: map[string]*table{}}}}
}

func (t *table) fullName() string { return t.db + "." + t.name }

func rowKey(pk any) string {
	b, _ := json.Marshal(pk)
	return string(b)
}

// scan returns every row ordered by primary key, so results are
// deterministic as they are (by accident) on a one-shard RethinkDB table.
func (t *table) scan() []any {
	out := make([]any, 0, len(t.rows))
	for _, r := range t.rows {
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		return compare(t.pk(out[i]), t.pk(out[j])) < 0
	})
	return out
}

func (t *table) pk(row any) any {
	if m, ok := row.(map[string]any); ok {
		return m[t.primaryKey]
	}
	return nil
}

// validKey reports whether v may be a primary key.
func validKey(v any) bool {
	switch v.(type) {
	case string, float64, bool:
		return true
	case []any:
		return isDatum(v)
	}
	return false
}
