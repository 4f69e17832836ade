// Package jsondec decodes the pipeline's hot messages (a job in the worker,
// a result in the actioner and in the journal: three decodes per check)
// without reflection, for the exact shape engine/internal/jsonenc writes:
// known keys spelled exactly, strings without escapes, no nulls. Anything
// else (an escape, a key in another case, a null, a syntax error) goes to
// encoding/json on the whole document, so the result and the errors are
// always encoding/json's.
package jsondec

import (
	"encoding/json"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// Job decodes b into j.
func Job(b []byte, j *engine.Job) error {
	if fastJob(b, j) {
		return nil
	}
	*j = engine.Job{}
	return json.Unmarshal(b, j)
}

// Result decodes b into r.
func Result(b []byte, r *engine.Result) error {
	if fastResult(b, r) {
		return nil
	}
	*r = engine.Result{}
	return json.Unmarshal(b, r)
}

func fastJob(b []byte, j *engine.Job) bool {
	return object(b, func(key string, v []byte) bool {
		switch key {
		case "id":
			return str(v, &j.ID)
		case "monitor_id":
			return str(v, &j.MonitorID)
		case "zone":
			return str(v, &j.Zone)
		case "check":
			return str(v, &j.Check)
		case "version":
			return str(v, &j.Version)
		case "config":
			if !json.Valid(v) {
				return false
			}
			j.Config = append(json.RawMessage(nil), v...)
			return true
		case "scheduled_at":
			return tm(v, &j.ScheduledAt)
		case "timeout":
			return j.Timeout.UnmarshalJSON(v) == nil
		case "sealed_secrets":
			return str(v, &j.SealedSecrets)
		}
		return false
	})
}

func fastResult(b []byte, r *engine.Result) bool {
	return object(b, func(key string, v []byte) bool {
		switch key {
		case "id":
			return str(v, &r.ID)
		case "monitor_id":
			return str(v, &r.MonitorID)
		case "zone":
			return str(v, &r.Zone)
		case "source":
			return str(v, (*string)(&r.Source))
		case "status":
			return str(v, (*string)(&r.Status))
		case "message":
			return str(v, &r.Message)
		case "metrics":
			// Rare on the hot path and full of number formats: the
			// standard decoder, for this field only.
			var m map[string]float64
			if len(v) == 0 || v[0] != '{' || json.Unmarshal(v, &m) != nil {
				return false
			}
			r.Metrics = m
			return true
		case "duration":
			return r.Duration.UnmarshalJSON(v) == nil
		case "scheduled_at":
			return tm(v, &r.ScheduledAt)
		case "finished_at":
			return tm(v, &r.FinishedAt)
		case "plugin":
			return str(v, &r.Plugin)
		case "digest":
			return str(v, &r.Digest)
		}
		return false
	})
}

// object walks a flat JSON object, calling field for each key and raw
// value; false from field, or anything unexpected, makes it give up.
func object(b []byte, field func(key string, v []byte) bool) bool {
	b = skipSpace(b)
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return false
	}
	b = skipSpace(b[1 : len(b)-1])
	if len(b) == 0 {
		return true // {}
	}
	for {
		k, rest, ok := plainString(b)
		if !ok {
			return false
		}
		rest = skipSpace(rest)
		if len(rest) == 0 || rest[0] != ':' {
			return false
		}
		rest = skipSpace(rest[1:])
		n := valueLen(rest)
		if n <= 0 || !field(string(k), rest[:n]) {
			return false
		}
		b = skipSpace(rest[n:])
		if len(b) == 0 {
			return true
		}
		if b[0] != ',' {
			return false
		}
		b = skipSpace(b[1:]) // a key must follow: no trailing comma
	}
}

// plainString reads a string of printable ASCII without escapes.
func plainString(b []byte) (s, rest []byte, ok bool) {
	if len(b) == 0 || b[0] != '"' {
		return nil, nil, false
	}
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return b[1:i], b[i+1:], true
		case c == '\\' || c < 0x20 || c >= 0x80:
			// Escapes, control characters and non-ASCII (encoding/json
			// replaces invalid UTF-8) are encoding/json's to decode.
			return nil, nil, false
		}
	}
	return nil, nil, false
}

func str(v []byte, into *string) bool {
	s, rest, ok := plainString(v)
	if !ok || len(rest) != 0 {
		return false
	}
	*into = string(s)
	return true
}

func tm(v []byte, into *time.Time) bool {
	s, rest, ok := plainString(v)
	return ok && len(rest) == 0 && into.UnmarshalText(s) == nil
}

// valueLen is the length of the JSON value at the start of b (a string,
// an object or array with nested strings, or a bare literal), or 0 when it
// cannot tell. It does not validate: callers check what they keep.
func valueLen(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	switch b[0] {
	case '"':
		for i := 1; i < len(b); i++ {
			switch b[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return 0
	case '{', '[':
		depth := 0
		for i := 0; i < len(b); i++ {
			switch b[i] {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			case '"':
				n := valueLen(b[i:])
				if n == 0 {
					return 0
				}
				i += n - 1
			}
		}
		return 0
	case 'n': // null: left to encoding/json (it leaves the field alone)
		return 0
	}
	for i, c := range b {
		if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			return i
		}
	}
	return len(b)
}

// skipSpace drops JSON's whitespace (only these four: not \f or \v).
func skipSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	return b
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
