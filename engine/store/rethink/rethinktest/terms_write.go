package rethinktest

import (
	"crypto/rand"
	"fmt"
)

// writeResult accumulates the counters every RethinkDB write returns.
type writeResult struct {
	inserted, replaced, unchanged, deleted, skipped, errors int
	firstError                                              string
	generated                                               []any
}

func (w *writeResult) fail(err error) {
	w.errors++
	if w.firstError == "" {
		w.firstError = err.Error()
	}
}

func (w *writeResult) datum() map[string]any {
	out := map[string]any{
		"inserted": float64(w.inserted), "replaced": float64(w.replaced),
		"unchanged": float64(w.unchanged), "deleted": float64(w.deleted),
		"skipped": float64(w.skipped), "errors": float64(w.errors),
	}
	if w.firstError != "" {
		out["first_error"] = w.firstError
	}
	if len(w.generated) > 0 {
		out["generated_keys"] = w.generated
	}
	return out
}

// commit stores (or, for a nil row, removes) one row and tells the feeds.
func (e *evaluator) commit(t *table, key, old, row any) {
	if row == nil {
		delete(t.rows, rowKey(key))
	} else {
		t.rows[rowKey(key)] = row
	}
	e.s.publish(t, old, row)
}

func uuid() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func termInsert(e *evaluator, args []any, opts map[string]any) (any, error) {
	if err := arity(args, 2, 2, "INSERT"); err != nil {
		return nil, err
	}
	t, err := e.tableOf(args[0])
	if err != nil {
		return nil, err
	}
	v, err := e.datum(args[1])
	if err != nil {
		return nil, err
	}
	docs, ok := v.([]any)
	if !ok {
		docs = []any{v}
	}
	var conflict any = "error"
	if c, ok := opts["conflict"]; ok {
		if conflict, err = e.funcOrValue(c); err != nil {
			return nil, err
		}
	}
	switch c := conflict.(type) {
	case *function:
	case string:
		if c != "error" && c != "replace" && c != "update" {
			return nil, logicErr("Conflict option `%s` unrecognized (options are \"error\", \"replace\" and \"update\").", c)
		}
	default:
		return nil, logicErr("Expected type STRING or FUNCTION for conflict but found %s", valueName(conflict))
	}
	var w writeResult
	for _, d := range docs {
		e.insertOne(t, d, conflict, &w)
	}
	return w.datum(), nil
}

func (e *evaluator) insertOne(t *table, d any, conflict any, w *writeResult) {
	doc, ok := d.(map[string]any)
	if !ok {
		w.fail(logicErr("Expected type OBJECT but found %s.", typeName(d)))
		return
	}
	if !isDatum(doc) {
		w.fail(logicErr("Cannot insert a non-datum value."))
		return
	}
	key, has := doc[t.primaryKey]
	if !has {
		key = uuid()
		doc = merge(doc, map[string]any{t.primaryKey: key}).(map[string]any)
		w.generated = append(w.generated, key)
	}
	if !validKey(key) {
		w.fail(logicErr("Primary key `%s` must be a string, number, bool or array.", t.primaryKey))
		return
	}
	old, exists := t.rows[rowKey(key)]
	if !exists {
		e.commit(t, key, nil, doc)
		w.inserted++
		return
	}
	var next any
	switch c := conflict.(type) {
	case string:
		switch c {
		case "error":
			w.fail(opFailed("Duplicate primary key `%s`:\n%s\n%s", t.primaryKey, show(old), show(doc)))
			return
		case "replace":
			next = doc
		case "update":
			next = merge(old, doc)
		}
	case *function:
		r, err := e.call(c, key, old, doc)
		if err != nil {
			w.fail(err)
			return
		}
		next = r
	}
	e.change(t, key, old, next, w)
}

// change applies a replacement computed from an existing row, checking
// what RethinkDB checks: objects only, and the primary key stays.
func (e *evaluator) change(t *table, key, old, next any, w *writeResult) {
	if next == nil {
		e.commit(t, key, old, nil)
		w.deleted++
		return
	}
	m, ok := next.(map[string]any)
	if !ok || !isDatum(next) {
		w.fail(logicErr("Expected type OBJECT but found %s.", typeName(next)))
		return
	}
	if nk, ok := m[t.primaryKey]; !ok || !equal(nk, key) {
		w.fail(logicErr("Primary key `%s` cannot be changed (`%s` -> `%s`).", t.primaryKey, show(key), show(nk)))
		return
	}
	if equal(old, next) {
		w.unchanged++
		return
	}
	e.commit(t, key, old, next)
	w.replaced++
}

// targets lists the rows an UPDATE, REPLACE or DELETE acts on; a GET of a
// missing row yields one nil row (counted as skipped, or inserted by REPLACE).
func (e *evaluator) targets(t any) (*table, []any, []any, error) {
	v, err := e.eval(t)
	if err != nil {
		return nil, nil, nil, err
	}
	switch x := v.(type) {
	case *single:
		return x.tbl, []any{x.key}, []any{x.row}, nil
	case *selection:
		if x.tbl == nil {
			break
		}
		keys := make([]any, len(x.rows))
		for i, r := range x.rows {
			keys[i] = x.tbl.pk(r)
		}
		return x.tbl, keys, x.rows, nil
	}
	return nil, nil, nil, logicErr("Expected type SELECTION but found %s", valueName(v))
}

func termUpdate(e *evaluator, args []any, _ map[string]any) (any, error) {
	if err := arity(args, 2, 2, "UPDATE"); err != nil {
		return nil, err
	}
	t, keys, rows, err := e.targets(args[0])
	if err != nil {
		return nil, err
	}
	patch, err := e.funcOrValue(args[1])
	if err != nil {
		return nil, err
	}
	var w writeResult
	for i, row := range rows {
		// Rows may have changed since the selection was read (a function
		// patch of an earlier row cannot touch them, but be exact anyway).
		row = t.rows[rowKey(keys[i])]
		if row == nil {
			w.skipped++
			continue
		}
		p := patch
		if f, ok := patch.(*function); ok {
			if p, err = e.call(f, row); err != nil {
				w.fail(err)
				continue
			}
		}
		if p == nil {
			w.unchanged++
			continue
		}
		if _, ok := p.(map[string]any); !ok {
			w.fail(logicErr("Inserted value must be an OBJECT (got %s):\n%s", typeName(p), show(p)))
			continue
		}
		e.change(t, keys[i], row, merge(row, p), &w)
	}
	return w.datum(), nil
}

func termReplace(e *evaluator, args []any, _ map[string]any) (any, error) {
	if err := arity(args, 2, 2, "REPLACE"); err != nil {
		return nil, err
	}
	t, keys, rows, err := e.targets(args[0])
	if err != nil {
		return nil, err
	}
	repl, err := e.funcOrValue(args[1])
	if err != nil {
		return nil, err
	}
	var w writeResult
	for i := range rows {
		row := t.rows[rowKey(keys[i])]
		next := repl
		if f, ok := repl.(*function); ok {
			if next, err = e.call(f, row); err != nil {
				w.fail(err)
				continue
			}
		}
		if row == nil {
			if next == nil {
				w.skipped++
				continue
			}
			m, ok := next.(map[string]any)
			if !ok || !equal(m[t.primaryKey], keys[i]) {
				w.fail(logicErr("Primary key `%s` cannot be changed.", t.primaryKey))
				continue
			}
			e.commit(t, keys[i], nil, next)
			w.inserted++
			continue
		}
		e.change(t, keys[i], row, next, &w)
	}
	return w.datum(), nil
}

func termDelete(e *evaluator, args []any, _ map[string]any) (any, error) {
	if err := arity(args, 1, 1, "DELETE"); err != nil {
		return nil, err
	}
	t, keys, _, err := e.targets(args[0])
	if err != nil {
		return nil, err
	}
	var w writeResult
	for _, k := range keys {
		row := t.rows[rowKey(k)]
		if row == nil {
			w.skipped++
			continue
		}
		e.commit(t, k, row, nil)
		w.deleted++
	}
	return w.datum(), nil
}
