package storetest

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// same fails the test unless got and want are the same object as far as
// the store's contract goes: compared as JSON, with zero values dropped
// (nil vs empty slice, omitted vs zero time) and times compared as instants
// at millisecond precision, whatever zone the backend returns them in.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	g, w := canon(t, got), canon(t, want)
	if !reflect.DeepEqual(g, w) {
		gj, _ := json.Marshal(g)
		wj, _ := json.Marshal(w)
		t.Errorf("%s:\n got %s\nwant %s", what, gj, wj)
	}
}

func canon(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode %T for comparison: %v", v, err)
	}
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		t.Fatalf("decode %T for comparison: %v", v, err)
	}
	return normalize(x)
}

// normalize returns x with zero values removed and time strings rewritten
// as Unix milliseconds; it returns nil for a value that is zero.
func normalize(x any) any {
	switch v := x.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			if n := normalize(e); n != nil {
				out[k] = n
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		if len(v) == 0 {
			return nil
		}
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = normalize(e)
		}
		return out
	case string:
		if v == "" {
			return nil
		}
		if ts, err := time.Parse(time.RFC3339Nano, v); err == nil {
			if ts.IsZero() {
				return nil
			}
			return ts.UnixMilli()
		}
		return v
	case bool:
		if !v {
			return nil
		}
		return v
	case float64:
		if v == 0 {
			return nil
		}
		return v
	}
	return x
}
