package rethinktest

import (
	"math"

	p "gopkg.in/rethinkdb/rethinkdb-go.v6/ql2"
)

// Values the evaluator passes between terms besides datums.
type (
	dbRef struct{ db *database }
	// selection is a sequence of rows of one table (nil for a plain
	// sequence). filters remember FILTER predicates so CHANGES can apply
	// them to each change; whole says no row was dropped on the way.
	selection struct {
		tbl     *table
		rows    []any
		filters []predicate
		whole   bool
		// feedable says CHANGES may follow: a table, maybe filtered.
		feedable bool
	}
	// single is the result of GET: a row that may be missing.
	single struct {
		tbl *table
		key any
		row any
	}
	function struct {
		params []int64
		body   any
		env    map[int64]any
	}
	ordering struct {
		desc bool
		key  any // a field name (string) or a *function
	}
	changesFeed struct {
		tbl     *table
		filters []predicate
	}
)

type predicate func(row any) (bool, error)

// maxDepth bounds term nesting so a hostile query cannot exhaust the stack.
const maxDepth = 512

// evaluator evaluates one query's term tree with the server lock held.
type evaluator struct {
	s         *Server
	defaultDB string
	env       map[int64]any
	depth     int
}

// eval evaluates a term in its wire form: a JSON array [type, args, optargs],
// a JSON object literal, or a bare datum.
func (e *evaluator) eval(t any) (any, error) {
	e.depth++
	defer func() { e.depth-- }()
	if e.depth > maxDepth {
		return nil, runtimeErr(p.Response_RESOURCE_LIMIT, "Query too deeply nested")
	}
	switch x := t.(type) {
	case []any:
		typ, args, opts, err := splitTerm(x)
		if err != nil {
			return nil, err
		}
		return e.term(typ, args, opts)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, v := range x {
			d, err := e.datum(v)
			if err != nil {
				return nil, err
			}
			out[k] = d
		}
		return out, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, logicErr("Non-finite number")
		}
	}
	return t, nil
}

// splitTerm checks a term's shape.
func splitTerm(x []any) (p.Term_TermType, []any, map[string]any, error) {
	if len(x) == 0 || len(x) > 3 {
		return 0, nil, nil, compileErr("Expected a term of 1 to 3 elements, got %d", len(x))
	}
	f, ok := x[0].(float64)
	if !ok || f != math.Trunc(f) || f < 0 || f > math.MaxInt32 {
		return 0, nil, nil, compileErr("Expected a TermType as a NUMBER but found %s", typeName(x[0]))
	}
	var args []any
	var opts map[string]any
	if len(x) > 1 {
		if args, ok = x[1].([]any); !ok {
			return 0, nil, nil, compileErr("Expected an ARRAY of arguments but found %s", typeName(x[1]))
		}
	}
	if len(x) > 2 {
		if opts, ok = x[2].(map[string]any); !ok {
			return 0, nil, nil, compileErr("Expected an OBJECT of optional arguments but found %s", typeName(x[2]))
		}
	}
	return p.Term_TermType(int32(f)), args, opts, nil
}

// datum evaluates t and turns rows and selections into plain datums.
func (e *evaluator) datum(t any) (any, error) {
	v, err := e.eval(t)
	if err != nil {
		return nil, err
	}
	return toDatum(v)
}

func toDatum(v any) (any, error) {
	switch x := v.(type) {
	case *single:
		return x.row, nil
	case *selection:
		return x.rows, nil
	case *dbRef, *function, *ordering, *changesFeed:
		return nil, logicErr("Expected type DATUM but found %s", valueName(v))
	}
	return v, nil
}

func valueName(v any) string {
	switch v.(type) {
	case *dbRef:
		return "DATABASE"
	case *selection:
		return "SEQUENCE"
	case *single:
		return "SINGLE_SELECTION"
	case *function:
		return "FUNCTION"
	case *ordering:
		return "ORDERING"
	case *changesFeed:
		return "STREAM"
	}
	return typeName(v)
}

func (e *evaluator) str(t any) (string, error) {
	v, err := e.datum(t)
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", logicErr("Expected type STRING but found %s", typeName(v))
	}
	return s, nil
}

func (e *evaluator) optStr(opts map[string]any, name, def string) (string, error) {
	t, ok := opts[name]
	if !ok {
		return def, nil
	}
	return e.str(t)
}

// seq evaluates t into a sequence of rows.
func (e *evaluator) seq(t any) (*selection, error) {
	v, err := e.eval(t)
	if err != nil {
		return nil, err
	}
	return asSeq(v)
}

func asSeq(v any) (*selection, error) {
	switch x := v.(type) {
	case *selection:
		return x, nil
	case []any:
		return &selection{rows: x}, nil
	}
	return nil, logicErr("Cannot convert %s to SEQUENCE", valueName(v))
}

// call applies a function to arguments.
func (e *evaluator) call(f *function, args ...any) (any, error) {
	if len(f.params) != len(args) {
		return nil, logicErr("Expected function with %d arguments but found function with %d argument", len(args), len(f.params))
	}
	env := make(map[int64]any, len(f.env)+len(args))
	for k, v := range f.env {
		env[k] = v
	}
	for i, id := range f.params {
		env[id] = args[i]
	}
	saved := e.env
	e.env = env
	defer func() { e.env = saved }()
	return e.datum(f.body)
}

// funcOrValue evaluates t; a function is returned as is so callers can
// apply it per row, anything else becomes a datum.
func (e *evaluator) funcOrValue(t any) (any, error) {
	v, err := e.eval(t)
	if err != nil {
		return nil, err
	}
	if f, ok := v.(*function); ok {
		return f, nil
	}
	return toDatum(v)
}
