package rethinktest

import (
	"encoding/json"
	"math"
	"sort"
	"strings"
)

// Datums are what encoding/json decodes into: nil, bool, float64, string,
// []any and map[string]any. MINVAL and MAXVAL only exist as bounds.
type (
	minVal struct{}
	maxVal struct{}
)

// typeRank orders datums of different types the way RethinkDB does: by the
// name of the type (ARRAY < BOOL < NULL < NUMBER < OBJECT < PTYPE < STRING),
// with MINVAL and MAXVAL outside everything.
func typeRank(v any) int {
	switch x := v.(type) {
	case minVal:
		return 0
	case []any:
		return 1
	case bool:
		return 2
	case nil:
		return 3
	case float64:
		return 4
	case map[string]any:
		if _, ok := x["$reql_type$"]; ok {
			return 6
		}
		return 5
	case string:
		return 7
	case maxVal:
		return 8
	}
	return 9
}

// compare returns -1, 0 or 1 ordering a before, with or after b.
func compare(a, b any) int {
	ra, rb := typeRank(a), typeRank(b)
	if ra != rb {
		return cmpInt(ra, rb)
	}
	switch x := a.(type) {
	case []any:
		y := b.([]any)
		for i := 0; i < len(x) && i < len(y); i++ {
			if c := compare(x[i], y[i]); c != 0 {
				return c
			}
		}
		return cmpInt(len(x), len(y))
	case bool:
		y := b.(bool)
		if x == y {
			return 0
		}
		if !x {
			return -1
		}
		return 1
	case float64:
		y := b.(float64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case string:
		return strings.Compare(x, b.(string))
	case map[string]any:
		y := b.(map[string]any)
		if typeRank(a) == 6 {
			// Pseudo-types: TIME by its epoch, others by their content.
			if c := strings.Compare(ptype(x), ptype(y)); c != 0 {
				return c
			}
			if ptype(x) == "TIME" {
				return compare(x["epoch_time"], y["epoch_time"])
			}
		}
		return compareObjects(x, y)
	}
	return 0
}

func ptype(m map[string]any) string {
	s, _ := m["$reql_type$"].(string)
	return s
}

// compareObjects orders objects by their sorted key/value pairs.
func compareObjects(x, y map[string]any) int {
	kx, ky := sortedKeys(x), sortedKeys(y)
	for i := 0; i < len(kx) && i < len(ky); i++ {
		if c := strings.Compare(kx[i], ky[i]); c != 0 {
			return c
		}
		if c := compare(x[kx[i]], y[ky[i]]); c != 0 {
			return c
		}
	}
	return cmpInt(len(kx), len(ky))
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func equal(a, b any) bool { return compare(a, b) == 0 }

// truthy is ReQL's notion: everything but false and null is true.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	}
	return true
}

// typeName is the name RethinkDB uses in error messages.
func typeName(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case bool:
		return "BOOL"
	case float64:
		return "NUMBER"
	case string:
		return "STRING"
	case []any:
		return "ARRAY"
	case map[string]any:
		if p := ptype(x); p != "" {
			return "PTYPE<" + p + ">"
		}
		return "OBJECT"
	case minVal:
		return "MINVAL"
	case maxVal:
		return "MAXVAL"
	}
	return "DATUM"
}

// merge applies patch onto base the way UPDATE does: nested objects merge,
// everything else replaces. base is never modified.
func merge(base, patch any) any {
	b, ok1 := base.(map[string]any)
	p, ok2 := patch.(map[string]any)
	if !ok1 || !ok2 || ptype(p) != "" {
		return patch
	}
	out := make(map[string]any, len(b)+len(p))
	for k, v := range b {
		out[k] = v
	}
	for k, v := range p {
		out[k] = merge(b[k], v)
	}
	return out
}

// isDatum reports whether v may be stored in a table.
func isDatum(v any) bool {
	switch x := v.(type) {
	case nil, bool, string:
		return true
	case float64:
		return !math.IsNaN(x) && !math.IsInf(x, 0)
	case []any:
		for _, e := range x {
			if !isDatum(e) {
				return false
			}
		}
		return true
	case map[string]any:
		for _, e := range x {
			if !isDatum(e) {
				return false
			}
		}
		return true
	}
	return false
}

// show prints a datum the way error messages quote it.
func show(v any) string {
	b, err := json.MarshalIndent(v, "", "\t")
	if err != nil {
		return typeName(v)
	}
	return string(b)
}
