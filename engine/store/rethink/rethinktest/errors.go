package rethinktest

import (
	"fmt"

	p "gopkg.in/rethinkdb/rethinkdb-go.v6/ql2"
)

// reqlError is an error the server sends back as a response, carrying the
// response type (client, compile or runtime error) and RethinkDB's error type.
type reqlError struct {
	rtype p.Response_ResponseType
	etype p.Response_ErrorType
	msg   string
}

func (e *reqlError) Error() string { return e.msg }

func compileErr(format string, args ...any) error {
	return &reqlError{rtype: p.Response_COMPILE_ERROR, msg: fmt.Sprintf(format, args...)}
}

func clientErr(format string, args ...any) error {
	return &reqlError{rtype: p.Response_CLIENT_ERROR, msg: fmt.Sprintf(format, args...)}
}

func runtimeErr(et p.Response_ErrorType, format string, args ...any) error {
	return &reqlError{rtype: p.Response_RUNTIME_ERROR, etype: et, msg: fmt.Sprintf(format, args...)}
}

func logicErr(format string, args ...any) error {
	return runtimeErr(p.Response_QUERY_LOGIC, format, args...)
}

func opFailed(format string, args ...any) error {
	return runtimeErr(p.Response_OP_FAILED, format, args...)
}

// errReadOnly is what RethinkDB answers a write with when the table's
// primary replica cannot be reached, which is how a store "refuses writes".
var errReadOnly = opFailed(`Cannot perform write: primary replica for shard ["", +inf) not available`)

func isNonExistence(err error) bool {
	e, ok := err.(*reqlError)
	return ok && e.rtype == p.Response_RUNTIME_ERROR && e.etype == p.Response_NON_EXISTENCE
}
