package rethinktest

import (
	"sort"
)

func termDBCreate(e *evaluator, args []any, _ map[string]any) (any, error) {
	if err := arity(args, 1, 1, "DB_CREATE"); err != nil {
		return nil, err
	}
	name, err := e.str(args[0])
	if err != nil {
		return nil, err
	}
	if _, ok := e.s.data.dbs[name]; ok {
		return nil, opFailed("Database `%s` already exists.", name)
	}
	e.s.data.dbs[name] = &database{name: name, tables: map[string]*table{}}
	return map[string]any{
		"dbs_created":    1.0,
		"config_changes": []any{map[string]any{"old_val": nil, "new_val": map[string]any{"id": uuid(), "name": name}}},
	}, nil
}

func termDBList(e *evaluator, args []any, _ map[string]any) (any, error) {
	if err := arity(args, 0, 0, "DB_LIST"); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(e.s.data.dbs))
	for n := range e.s.data.dbs {
		names = append(names, n)
	}
	return stringList(names), nil
}

func stringList(names []string) []any {
	sort.Strings(names)
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = n
	}
	return out
}

func termTableCreate(e *evaluator, args []any, opts map[string]any) (any, error) {
	db, rest, err := e.dbArg(args, 1)
	if err != nil {
		return nil, err
	}
	name, err := e.str(rest[0])
	if err != nil {
		return nil, err
	}
	pk, err := e.optStr(opts, "primary_key", "id")
	if err != nil {
		return nil, err
	}
	if _, ok := db.tables[name]; ok {
		return nil, opFailed("Table `%s.%s` already exists.", db.name, name)
	}
	db.tables[name] = &table{db: db.name, name: name, primaryKey: pk, rows: map[string]any{}, indexes: map[string]*index{}}
	return map[string]any{
		"tables_created": 1.0,
		"config_changes": []any{map[string]any{"old_val": nil, "new_val": map[string]any{
			"id": uuid(), "name": name, "db": db.name, "primary_key": pk,
		}}},
	}, nil
}

func termTableList(e *evaluator, args []any, _ map[string]any) (any, error) {
	db, _, err := e.dbArg(args, 0)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(db.tables))
	for n := range db.tables {
		names = append(names, n)
	}
	return stringList(names), nil
}

// termIndexCreate takes an index name and optionally a function of the
// row; without one the index is on the field of the same name.
func termIndexCreate(e *evaluator, args []any, opts map[string]any) (any, error) {
	if err := arity(args, 2, 3, "INDEX_CREATE"); err != nil {
		return nil, err
	}
	t, err := e.tableOf(args[0])
	if err != nil {
		return nil, err
	}
	name, err := e.str(args[1])
	if err != nil {
		return nil, err
	}
	if _, ok := opts["multi"]; ok {
		return nil, compileErr("rethinktest does not implement multi indexes")
	}
	if name == t.primaryKey {
		return nil, opFailed("Index name conflict: `%s` is the name of the primary key.", name)
	}
	if _, ok := t.indexes[name]; ok {
		return nil, opFailed("Index `%s` already exists on table `%s`.", name, t.fullName())
	}
	idx := &index{name: name, field: name}
	if len(args) == 3 {
		v, err := e.eval(args[2])
		if err != nil {
			return nil, err
		}
		f, ok := v.(*function)
		if !ok || len(f.params) != 1 {
			return nil, logicErr("Expected a function of one argument for index `%s`", name)
		}
		idx.fn = f
	}
	t.indexes[name] = idx
	return map[string]any{"created": 1.0}, nil
}

func termIndexList(e *evaluator, args []any, _ map[string]any) (any, error) {
	if err := arity(args, 1, 1, "INDEX_LIST"); err != nil {
		return nil, err
	}
	t, err := e.tableOf(args[0])
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(t.indexes))
	for n := range t.indexes {
		names = append(names, n)
	}
	return stringList(names), nil
}

// termIndexWait answers at once: indexes here are ready when created.
func termIndexWait(e *evaluator, args []any, _ map[string]any) (any, error) {
	if err := arity(args, 1, -1, "INDEX_WAIT"); err != nil {
		return nil, err
	}
	t, err := e.tableOf(args[0])
	if err != nil {
		return nil, err
	}
	names, err := e.datums(args[1:])
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		for _, n := range stringList(keysOf(t.indexes)) {
			names = append(names, n)
		}
	}
	out := make([]any, 0, len(names))
	for _, n := range names {
		s, ok := n.(string)
		if !ok {
			return nil, logicErr("Expected type STRING but found %s", typeName(n))
		}
		if _, ok := t.indexes[s]; !ok {
			return nil, opFailed("Index `%s` was not found on table `%s`.", s, t.fullName())
		}
		out = append(out, map[string]any{
			"index": s, "ready": true, "multi": false, "geo": false, "outdated": false,
		})
	}
	return out, nil
}

func keysOf(m map[string]*index) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
