package rethinktest

import (
	p "gopkg.in/rethinkdb/rethinkdb-go.v6/ql2"
)

type termFunc func(e *evaluator, args []any, opts map[string]any) (any, error)

// terms is every ReQL term the server evaluates; doc.go lists the same.
var terms map[p.Term_TermType]termFunc

func init() {
	terms = map[p.Term_TermType]termFunc{
		p.Term_DATUM:      termDatum,
		p.Term_MAKE_ARRAY: termMakeArray,
		p.Term_MAKE_OBJ:   termMakeObj,
		p.Term_VAR:        termVar,
		p.Term_FUNC:       termFunc_,
		p.Term_FUNCALL:    termFuncall,
		p.Term_BRANCH:     termBranch,
		p.Term_EQ:         cmpTerm(func(c int) bool { return c == 0 }),
		p.Term_NE:         termNe,
		p.Term_LT:         cmpTerm(func(c int) bool { return c < 0 }),
		p.Term_LE:         cmpTerm(func(c int) bool { return c <= 0 }),
		p.Term_GT:         cmpTerm(func(c int) bool { return c > 0 }),
		p.Term_GE:         cmpTerm(func(c int) bool { return c >= 0 }),
		p.Term_NOT:        termNot,
		p.Term_AND:        termAnd,
		p.Term_OR:         termOr,
		p.Term_GET_FIELD:  termGetField,
		p.Term_BRACKET:    termBracket,
		p.Term_DEFAULT:    termDefault,
		p.Term_MINVAL:     func(*evaluator, []any, map[string]any) (any, error) { return minVal{}, nil },
		p.Term_MAXVAL:     func(*evaluator, []any, map[string]any) (any, error) { return maxVal{}, nil },
		p.Term_ASC:        orderTerm(false),
		p.Term_DESC:       orderTerm(true),

		p.Term_DB:       termDB,
		p.Term_TABLE:    termTable,
		p.Term_GET:      termGet,
		p.Term_GET_ALL:  termGetAll,
		p.Term_BETWEEN:  termBetween,
		p.Term_FILTER:   termFilter,
		p.Term_ORDER_BY: termOrderBy,
		p.Term_LIMIT:    termLimit,
		p.Term_COUNT:    termCount,
		p.Term_CHANGES:  termChanges,

		p.Term_INSERT:  termInsert,
		p.Term_UPDATE:  termUpdate,
		p.Term_REPLACE: termReplace,
		p.Term_DELETE:  termDelete,

		p.Term_DB_CREATE:    termDBCreate,
		p.Term_DB_LIST:      termDBList,
		p.Term_TABLE_CREATE: termTableCreate,
		p.Term_TABLE_LIST:   termTableList,
		p.Term_INDEX_CREATE: termIndexCreate,
		p.Term_INDEX_LIST:   termIndexList,
		p.Term_INDEX_WAIT:   termIndexWait,
	}
}

// writeTerms are refused while the server refuses writes.
var writeTerms = map[p.Term_TermType]bool{
	p.Term_INSERT: true, p.Term_UPDATE: true, p.Term_REPLACE: true, p.Term_DELETE: true,
	p.Term_DB_CREATE: true, p.Term_TABLE_CREATE: true, p.Term_INDEX_CREATE: true,
}

func (e *evaluator) term(typ p.Term_TermType, args []any, opts map[string]any) (any, error) {
	f, ok := terms[typ]
	if !ok {
		return nil, compileErr("rethinktest does not implement term %s", typ)
	}
	if writeTerms[typ] && e.s.refusingWrites() {
		return nil, errReadOnly
	}
	return f(e, args, opts)
}

func arity(args []any, min, max int, name string) error {
	if len(args) < min || (max >= 0 && len(args) > max) {
		if min == max {
			return compileErr("Expected %d arguments but found %d in %s", min, len(args), name)
		}
		return compileErr("Expected between %d and %d arguments but found %d in %s", min, max, len(args), name)
	}
	return nil
}
