package rethinktest

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"

	p "gopkg.in/rethinkdb/rethinkdb-go.v6/ql2"
)

// maxQueryLen bounds one query; RethinkDB's own limit is in the same range.
const maxQueryLen = 64 << 20

// readFrame reads one query frame: token (uint64 LE), length (uint32 LE),
// then that many bytes of JSON.
func readFrame(r io.Reader) (token int64, payload []byte, err error) {
	var hdr [12]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, err
	}
	token = int64(binary.LittleEndian.Uint64(hdr[:8]))
	n := binary.LittleEndian.Uint32(hdr[8:])
	if n > maxQueryLen {
		return token, nil, fmt.Errorf("query of %d bytes exceeds the %d byte limit", n, maxQueryLen)
	}
	payload = make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		return token, nil, fmt.Errorf("reading %d byte query: %w", n, err)
	}
	return token, payload, nil
}

// query is a decoded [type, term, global optargs] array.
type query struct {
	typ  p.Query_QueryType
	term any
	opts map[string]any
}

// parseQuery decodes a query's JSON and checks its outer shape; the term
// itself is checked as it is evaluated.
func parseQuery(payload []byte) (query, error) {
	var raw []any
	dec := json.NewDecoder(bytes.NewReader(payload))
	if err := dec.Decode(&raw); err != nil {
		return query{}, fmt.Errorf("decoding query: %w", err)
	}
	if dec.More() {
		return query{}, fmt.Errorf("decoding query: trailing data")
	}
	if len(raw) < 1 || len(raw) > 3 {
		return query{}, fmt.Errorf("query has %d elements, want 1 to 3", len(raw))
	}
	f, ok := raw[0].(float64)
	if !ok || f != math.Trunc(f) || f < 1 || f > 5 {
		return query{}, fmt.Errorf("query type %v is not one of START, CONTINUE, STOP, NOREPLY_WAIT, SERVER_INFO", raw[0])
	}
	q := query{typ: p.Query_QueryType(int32(f))}
	if len(raw) > 1 {
		q.term = raw[1]
	}
	// Only START carries a term; the driver sends the others' optargs
	// (STOP's noreply) second: [3, {"noreply": true}].
	if m, ok := q.term.(map[string]any); ok && q.typ != p.Query_START && len(raw) == 2 {
		q.term, q.opts = nil, m
	}
	if len(raw) > 2 {
		if q.opts, ok = raw[2].(map[string]any); !ok {
			return query{}, fmt.Errorf("global optargs are %T, want an object", raw[2])
		}
	}
	if q.typ == p.Query_START && len(raw) < 2 {
		return query{}, fmt.Errorf("START query without a term")
	}
	return q, nil
}

// response is the JSON body of a server response.
type response struct {
	T p.Response_ResponseType   `json:"t"`
	E p.Response_ErrorType      `json:"e,omitempty"`
	R []any                     `json:"r"`
	N []p.Response_ResponseNote `json:"n,omitempty"`
	B []any                     `json:"b,omitempty"`
}

// frameResponse encodes a response with its token and length header.
func frameResponse(token int64, r response) ([]byte, error) {
	if r.R == nil {
		r.R = []any{}
	}
	body, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encoding response: %w", err)
	}
	out := make([]byte, 12+len(body))
	binary.LittleEndian.PutUint64(out, uint64(token))
	binary.LittleEndian.PutUint32(out[8:], uint32(len(body)))
	copy(out[12:], body)
	return out, nil
}

func errorResponse(err error) response {
	if e, ok := err.(*reqlError); ok {
		return response{T: e.rtype, E: e.etype, R: []any{e.msg}, B: []any{}}
	}
	return response{T: p.Response_RUNTIME_ERROR, E: p.Response_INTERNAL, R: []any{err.Error()}, B: []any{}}
}
