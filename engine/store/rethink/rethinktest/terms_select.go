package rethinktest

import (
	"math"
	"sort"
)

func (e *evaluator) database(name string) (*database, error) {
	db, ok := e.s.data.dbs[name]
	if !ok {
		return nil, opFailed("Database `%s` does not exist.", name)
	}
	return db, nil
}

func termDB(e *evaluator, args []any, _ map[string]any) (any, error) {
	if err := arity(args, 1, 1, "DB"); err != nil {
		return nil, err
	}
	name, err := e.str(args[0])
	if err != nil {
		return nil, err
	}
	db, err := e.database(name)
	if err != nil {
		return nil, err
	}
	return &dbRef{db: db}, nil
}

// dbArg reads the optional leading database argument of TABLE,
// TABLE_CREATE and TABLE_LIST, falling back to the query's "db" optarg.
func (e *evaluator) dbArg(args []any, want int) (*database, []any, error) {
	if len(args) == want+1 {
		v, err := e.eval(args[0])
		if err != nil {
			return nil, nil, err
		}
		d, ok := v.(*dbRef)
		if !ok {
			return nil, nil, logicErr("Expected type DATABASE but found %s", valueName(v))
		}
		return d.db, args[1:], nil
	}
	if len(args) != want {
		return nil, nil, compileErr("Expected %d or %d arguments but found %d", want, want+1, len(args))
	}
	db, err := e.database(e.defaultDB)
	return db, args, err
}

func termTable(e *evaluator, args []any, _ map[string]any) (any, error) {
	db, rest, err := e.dbArg(args, 1)
	if err != nil {
		return nil, err
	}
	name, err := e.str(rest[0])
	if err != nil {
		return nil, err
	}
	t, ok := db.tables[name]
	if !ok {
		return nil, opFailed("Table `%s.%s` does not exist.", db.name, name)
	}
	return &selection{tbl: t, rows: t.scan(), whole: true, feedable: true}, nil
}

func (e *evaluator) tableOf(t any) (*table, error) {
	s, err := e.seq(t)
	if err != nil {
		return nil, err
	}
	if s.tbl == nil || !s.whole {
		return nil, logicErr("Expected type TABLE but found SEQUENCE")
	}
	return s.tbl, nil
}

func termGet(e *evaluator, args []any, _ map[string]any) (any, error) {
	if err := arity(args, 2, 2, "GET"); err != nil {
		return nil, err
	}
	t, err := e.tableOf(args[0])
	if err != nil {
		return nil, err
	}
	key, err := e.datum(args[1])
	if err != nil {
		return nil, err
	}
	if !validKey(key) {
		return nil, logicErr("Primary keys must be either a number, string, bool, pseudotype or array (got type %s):\n%s", typeName(key), show(key))
	}
	return &single{tbl: t, key: key, row: t.rows[rowKey(key)]}, nil
}

// indexValue is row's key in index name; ok is false when the row is not
// in the index (missing field, or the index function fails on it).
func (e *evaluator) indexValue(t *table, name string, row any) (any, bool, error) {
	if name == t.primaryKey {
		return t.pk(row), true, nil
	}
	idx, ok := t.indexes[name]
	if !ok {
		return nil, false, opFailed("Index `%s` was not found on table `%s`.", name, t.fullName())
	}
	if idx.fn == nil {
		v, err := getField(row, idx.field)
		return v, err == nil, nil
	}
	v, err := e.call(idx.fn, row)
	return v, err == nil, nil
}

func termGetAll(e *evaluator, args []any, opts map[string]any) (any, error) {
	if err := arity(args, 1, -1, "GET_ALL"); err != nil {
		return nil, err
	}
	t, err := e.tableOf(args[0])
	if err != nil {
		return nil, err
	}
	name, err := e.optStr(opts, "index", t.primaryKey)
	if err != nil {
		return nil, err
	}
	keys, err := e.datums(args[1:])
	if err != nil {
		return nil, err
	}
	out := &selection{tbl: t}
	rows := t.scan()
	for _, k := range keys {
		for _, row := range rows {
			v, ok, err := e.indexValue(t, name, row)
			if err != nil {
				return nil, err
			}
			if ok && equal(v, k) {
				out.rows = append(out.rows, row)
			}
		}
	}
	return out, nil
}

// termBetween keeps rows whose index value lies in [lo, hi) by default.
func termBetween(e *evaluator, args []any, opts map[string]any) (any, error) {
	if err := arity(args, 3, 3, "BETWEEN"); err != nil {
		return nil, err
	}
	in, err := e.seq(args[0])
	if err != nil {
		return nil, err
	}
	if in.tbl == nil {
		return nil, logicErr("Expected type TABLE_SLICE but found SEQUENCE")
	}
	lo, err := e.datum(args[1])
	if err != nil {
		return nil, err
	}
	hi, err := e.datum(args[2])
	if err != nil {
		return nil, err
	}
	name, err := e.optStr(opts, "index", in.tbl.primaryKey)
	if err != nil {
		return nil, err
	}
	leftOpen, err := e.bound(opts, "left_bound", "closed")
	if err != nil {
		return nil, err
	}
	rightOpen, err := e.bound(opts, "right_bound", "open")
	if err != nil {
		return nil, err
	}
	out := &selection{tbl: in.tbl, filters: in.filters}
	for _, row := range in.rows {
		v, ok, err := e.indexValue(in.tbl, name, row)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		cl, ch := compare(lo, v), compare(v, hi)
		if cl > 0 || (cl == 0 && leftOpen) || ch > 0 || (ch == 0 && rightOpen) {
			continue
		}
		out.rows = append(out.rows, row)
	}
	return out, nil
}

// bound reports whether the named bound is open.
func (e *evaluator) bound(opts map[string]any, name, def string) (bool, error) {
	s, err := e.optStr(opts, name, def)
	if err != nil {
		return false, err
	}
	switch s {
	case "open":
		return true, nil
	case "closed":
		return false, nil
	}
	return false, logicErr("Expected `open` or `closed` for optarg `%s` (got `%s`).", name, s)
}

func termFilter(e *evaluator, args []any, _ map[string]any) (any, error) {
	if err := arity(args, 2, 2, "FILTER"); err != nil {
		return nil, err
	}
	in, err := e.seq(args[0])
	if err != nil {
		return nil, err
	}
	pv, err := e.funcOrValue(args[1])
	if err != nil {
		return nil, err
	}
	pred := e.predicate(pv)
	out := &selection{tbl: in.tbl, filters: append(append([]predicate(nil), in.filters...), pred), feedable: in.feedable}
	for _, row := range in.rows {
		ok, err := pred(row)
		if err != nil {
			return nil, err
		}
		if ok {
			out.rows = append(out.rows, row)
		}
	}
	return out, nil
}

// predicate turns FILTER's argument into a test: a function is called, an
// object matches rows holding equal values for each of its fields, any
// other value is its own truth. A missing field makes a row not match, as
// FILTER's default is false.
func (e *evaluator) predicate(pv any) predicate {
	return func(row any) (bool, error) {
		switch x := pv.(type) {
		case *function:
			v, err := e.call(x, row)
			if isNonExistence(err) {
				return false, nil
			}
			return truthy(v), err
		case map[string]any:
			m, ok := row.(map[string]any)
			if !ok {
				return false, nil
			}
			for k, want := range x {
				got, ok := m[k]
				if !ok || !equal(got, want) {
					return false, nil
				}
			}
			return true, nil
		}
		return truthy(pv), nil
	}
}

func termOrderBy(e *evaluator, args []any, opts map[string]any) (any, error) {
	if err := arity(args, 1, -1, "ORDER_BY"); err != nil {
		return nil, err
	}
	in, err := e.seq(args[0])
	if err != nil {
		return nil, err
	}
	var keys []*ordering
	if it, ok := opts["index"]; ok {
		// ASC/DESC evaluate to orderings, not datums.
		v, err := e.eval(it)
		if err != nil {
			return nil, err
		}
		if s, ok := v.(string); ok {
			v = &ordering{key: s}
		}
		o, ok := v.(*ordering)
		if !ok || in.tbl == nil {
			return nil, logicErr("Expected type TABLE_SLICE with an index name for order_by")
		}
		keys = append(keys, &ordering{desc: o.desc, key: indexKey{o.key}})
	}
	for _, a := range args[1:] {
		v, err := e.eval(a)
		if err != nil {
			return nil, err
		}
		switch x := v.(type) {
		case *ordering:
			keys = append(keys, x)
		case string, *function:
			keys = append(keys, &ordering{key: x})
		default:
			return nil, logicErr("Expected type STRING or FUNCTION but found %s", valueName(v))
		}
	}
	type keyed struct {
		row  any
		vals []any
	}
	rows := make([]keyed, 0, len(in.rows))
rowLoop:
	for _, row := range in.rows {
		k := keyed{row: row}
		for _, o := range keys {
			v, ok, err := e.orderValue(in.tbl, o.key, row)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue rowLoop
			}
			k.vals = append(k.vals, v)
		}
		rows = append(rows, k)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		for n, o := range keys {
			c := compare(rows[i].vals[n], rows[j].vals[n])
			if o.desc {
				c = -c
			}
			if c != 0 {
				return c < 0
			}
		}
		// Ties in an index order fall back to the primary key, which is
		// part of every secondary index key in RethinkDB.
		if len(keys) > 0 && in.tbl != nil {
			if _, ok := keys[0].key.(indexKey); ok {
				c := compare(in.tbl.pk(rows[i].row), in.tbl.pk(rows[j].row))
				if keys[0].desc {
					c = -c
				}
				return c < 0
			}
		}
		return false
	})
	out := &selection{tbl: in.tbl, filters: in.filters}
	for _, r := range rows {
		out.rows = append(out.rows, r.row)
	}
	return out, nil
}

// indexKey marks an ordering by a secondary index rather than a field.
type indexKey struct{ name any }

// orderValue is row's sort key; ok is false when an index leaves it out.
func (e *evaluator) orderValue(t *table, key any, row any) (any, bool, error) {
	switch k := key.(type) {
	case indexKey:
		name, ok := k.name.(string)
		if !ok {
			return nil, false, logicErr("Expected an index name")
		}
		return e.indexValue(t, name, row)
	case string:
		v, err := getField(row, k)
		if isNonExistence(err) {
			return nil, true, nil
		}
		return v, true, err
	case *function:
		v, err := e.call(k, row)
		return v, true, err
	}
	return nil, false, logicErr("Bad ordering")
}

func termLimit(e *evaluator, args []any, _ map[string]any) (any, error) {
	if err := arity(args, 2, 2, "LIMIT"); err != nil {
		return nil, err
	}
	in, err := e.seq(args[0])
	if err != nil {
		return nil, err
	}
	nv, err := e.datum(args[1])
	if err != nil {
		return nil, err
	}
	n, ok := nv.(float64)
	if !ok || n != math.Trunc(n) || n < 0 {
		return nil, logicErr("LIMIT takes a non-negative integer argument (%s given).", show(nv))
	}
	out := *in
	out.whole = false
	if n < float64(len(in.rows)) {
		out.rows = in.rows[:int(n)]
	}
	return &out, nil
}

func termCount(e *evaluator, args []any, _ map[string]any) (any, error) {
	if err := arity(args, 1, 1, "COUNT"); err != nil {
		return nil, err
	}
	v, err := e.eval(args[0])
	if err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case string:
		return float64(len([]rune(x))), nil
	case map[string]any:
		return float64(len(x)), nil
	}
	s, err := asSeq(v)
	if err != nil {
		return nil, err
	}
	return float64(len(s.rows)), nil
}
