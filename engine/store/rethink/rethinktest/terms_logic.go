package rethinktest

import (
	"math"
	"strconv"

	p "gopkg.in/rethinkdb/rethinkdb-go.v6/ql2"
)

func termDatum(e *evaluator, args []any, _ map[string]any) (any, error) {
	if err := arity(args, 1, 1, "DATUM"); err != nil {
		return nil, err
	}
	return args[0], nil
}

func termMakeArray(e *evaluator, args []any, _ map[string]any) (any, error) {
	out := make([]any, len(args))
	for i, a := range args {
		d, err := e.datum(a)
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}

func termMakeObj(e *evaluator, _ []any, opts map[string]any) (any, error) {
	out := make(map[string]any, len(opts))
	for k, v := range opts {
		d, err := e.datum(v)
		if err != nil {
			return nil, err
		}
		out[k] = d
	}
	return out, nil
}

func varID(v any) (int64, bool) {
	f, ok := v.(float64)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

func termVar(e *evaluator, args []any, _ map[string]any) (any, error) {
	if err := arity(args, 1, 1, "VAR"); err != nil {
		return nil, err
	}
	id, ok := varID(args[0])
	if !ok {
		return nil, compileErr("Expected a variable number")
	}
	v, ok := e.env[id]
	if !ok {
		return nil, compileErr("Variable name not found.")
	}
	return v, nil
}

// termFunc_ builds a closure; the body is evaluated when it is called.
func termFunc_(e *evaluator, args []any, _ map[string]any) (any, error) {
	if err := arity(args, 2, 2, "FUNC"); err != nil {
		return nil, err
	}
	ps, err := e.datum(args[0])
	if err != nil {
		return nil, err
	}
	list, ok := ps.([]any)
	if !ok {
		return nil, compileErr("Expected an ARRAY of variable numbers")
	}
	f := &function{body: args[1], env: e.env}
	for _, v := range list {
		id, ok := varID(v)
		if !ok {
			return nil, compileErr("Expected a variable number")
		}
		f.params = append(f.params, id)
	}
	return f, nil
}

func termFuncall(e *evaluator, args []any, _ map[string]any) (any, error) {
	if err := arity(args, 1, -1, "FUNCALL"); err != nil {
		return nil, err
	}
	v, err := e.eval(args[0])
	if err != nil {
		return nil, err
	}
	f, ok := v.(*function)
	if !ok {
		return nil, logicErr("Expected type FUNCTION but found %s", valueName(v))
	}
	vals := make([]any, 0, len(args)-1)
	for _, a := range args[1:] {
		d, err := e.datum(a)
		if err != nil {
			return nil, err
		}
		vals = append(vals, d)
	}
	return e.call(f, vals...)
}

// termBranch is r.branch(test, then, [test2, then2, ...], else).
func termBranch(e *evaluator, args []any, _ map[string]any) (any, error) {
	if len(args) < 3 || len(args)%2 == 0 {
		return nil, compileErr("Expected an odd number of arguments (at least 3) but found %d in BRANCH", len(args))
	}
	for i := 0; i+1 < len(args); i += 2 {
		c, err := e.datum(args[i])
		if err != nil {
			return nil, err
		}
		if truthy(c) {
			return e.eval(args[i+1])
		}
	}
	return e.eval(args[len(args)-1])
}

// cmpTerm builds a chained comparison: r.lt(a, b, c) is a<b && b<c.
func cmpTerm(ok func(int) bool) termFunc {
	return func(e *evaluator, args []any, _ map[string]any) (any, error) {
		if err := arity(args, 1, -1, "comparison"); err != nil {
			return nil, err
		}
		vals, err := e.datums(args)
		if err != nil {
			return nil, err
		}
		for i := 0; i+1 < len(vals); i++ {
			if !ok(compare(vals[i], vals[i+1])) {
				return false, nil
			}
		}
		return true, nil
	}
}

func termNe(e *evaluator, args []any, opts map[string]any) (any, error) {
	v, err := cmpTerm(func(c int) bool { return c == 0 })(e, args, opts)
	if err != nil {
		return nil, err
	}
	return !v.(bool), nil
}

func (e *evaluator) datums(args []any) ([]any, error) {
	out := make([]any, len(args))
	for i, a := range args {
		d, err := e.datum(a)
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}

func termNot(e *evaluator, args []any, _ map[string]any) (any, error) {
	if err := arity(args, 1, 1, "NOT"); err != nil {
		return nil, err
	}
	v, err := e.datum(args[0])
	if err != nil {
		return nil, err
	}
	return !truthy(v), nil
}

func termAnd(e *evaluator, args []any, _ map[string]any) (any, error) {
	var last any = true
	for _, a := range args {
		v, err := e.datum(a)
		if err != nil {
			return nil, err
		}
		if !truthy(v) {
			return v, nil
		}
		last = v
	}
	return last, nil
}

func termOr(e *evaluator, args []any, _ map[string]any) (any, error) {
	var last any = false
	for _, a := range args {
		v, err := e.datum(a)
		if err != nil {
			return nil, err
		}
		if truthy(v) {
			return v, nil
		}
		last = v
	}
	return last, nil
}

func getField(v any, name string) (any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		if v == nil {
			return nil, runtimeErr(p.Response_NON_EXISTENCE, "Cannot perform get_field on a non-object non-sequence `null`.")
		}
		return nil, logicErr("Cannot perform get_field on a non-object non-sequence `%s`.", typeName(v))
	}
	f, ok := m[name]
	if !ok {
		return nil, runtimeErr(p.Response_NON_EXISTENCE, "No attribute `%s` in object:\n%s", name, show(m))
	}
	return f, nil
}

func termGetField(e *evaluator, args []any, _ map[string]any) (any, error) {
	if err := arity(args, 2, 2, "GET_FIELD"); err != nil {
		return nil, err
	}
	v, err := e.datum(args[0])
	if err != nil {
		return nil, err
	}
	name, err := e.str(args[1])
	if err != nil {
		return nil, err
	}
	return getField(v, name)
}

// termBracket is obj(field) or array(n).
func termBracket(e *evaluator, args []any, _ map[string]any) (any, error) {
	if err := arity(args, 2, 2, "BRACKET"); err != nil {
		return nil, err
	}
	v, err := e.datum(args[0])
	if err != nil {
		return nil, err
	}
	k, err := e.datum(args[1])
	if err != nil {
		return nil, err
	}
	switch key := k.(type) {
	case string:
		return getField(v, key)
	case float64:
		arr, ok := v.([]any)
		if !ok {
			return nil, logicErr("Cannot use an index on %s", typeName(v))
		}
		i := int(key)
		if float64(i) != key {
			return nil, logicErr("Number not an integer: %s", strconv.FormatFloat(key, 'g', -1, 64))
		}
		if i < 0 {
			i += len(arr)
		}
		if i < 0 || i >= len(arr) {
			return nil, runtimeErr(p.Response_NON_EXISTENCE, "Index out of bounds: %d", int(key))
		}
		return arr[i], nil
	}
	return nil, logicErr("Expected NUMBER or STRING as second argument to `bracket` but found %s", typeName(k))
}

// termDefault replaces a missing value (a non-existence error or null).
func termDefault(e *evaluator, args []any, _ map[string]any) (any, error) {
	if err := arity(args, 2, 2, "DEFAULT"); err != nil {
		return nil, err
	}
	v, err := e.datum(args[0])
	if err == nil && v != nil {
		return v, nil
	}
	if err != nil && !isNonExistence(err) {
		return nil, err
	}
	d, err2 := e.funcOrValue(args[1])
	if err2 != nil {
		return nil, err2
	}
	if f, ok := d.(*function); ok {
		var msg any
		if err != nil {
			msg = err.Error()
		}
		return e.call(f, msg)
	}
	return d, nil
}

func orderTerm(desc bool) termFunc {
	return func(e *evaluator, args []any, _ map[string]any) (any, error) {
		if err := arity(args, 1, 1, "ASC/DESC"); err != nil {
			return nil, err
		}
		k, err := e.funcOrValue(args[0])
		if err != nil {
			return nil, err
		}
		switch k.(type) {
		case string, *function:
			return &ordering{desc: desc, key: k}, nil
		}
		return nil, logicErr("Expected type STRING or FUNCTION but found %s", valueName(k))
	}
}
