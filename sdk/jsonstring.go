package sdk

import (
	"unsafe"

	"github.com/runbookhq/runbook/host/abi/jsonx"
)

// appendJSONString is jsonx.AppendString (encoding/json's quoting, byte
// for byte) with a fast path for the usual case, a string that needs no
// escaping: it is checked eight bytes per step and copied whole.
//
// RATIONALE: a wasm guest pays 30-40 ns per loop step, and the byte loop
// of AppendString was ~3 µs of an http check (a URL, a method, a
// message). Plain printable ASCII is what those nearly always are.
func appendJSONString(dst []byte, s string) []byte {
	if !plainJSON(s) {
		return jsonx.AppendString(dst, s)
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// plainJSON reports whether s is printable ASCII without '"', '\\',
// '<', '>' or '&': what encoding/json writes unchanged between quotes.
// A string of eight bytes or more ends with one overlapping word, so
// there is no byte loop at all.
func plainJSON(s string) bool {
	n := len(s)
	if n < 8 {
		for i := range n {
			if b := s[i]; b < 0x20 || b >= 0x80 || b == '"' || b == '\\' || b == '<' || b == '>' || b == '&' {
				return false
			}
		}
		return true
	}
	p := unsafe.StringData(s)
	for i := 0; i < n-8; i += 8 {
		if special8(load8(p, i)) {
			return false
		}
	}
	return !special8(load8(p, n-8))
}

// special8 reports whether any of x's bytes is below 0x20, at or above
// 0x80, or one of " \ < > & (the classic SWAR tests: each is exact
// about whether some byte matches, which is all that is asked).
func special8(x uint64) bool {
	low := (x - ones*0x20) &^ x & highs
	return low|x&highs|zero8(x^ones*'"')|zero8(x^ones*'\\')|zero8(x^ones*'<')|zero8(x^ones*'>')|zero8(x^ones*'&') != 0
}

func zero8(v uint64) uint64 { return (v - ones) &^ v & highs }

// appendKey is jsonx.AppendKey through appendJSONString.
func appendKey(dst []byte, first bool, key string) []byte {
	if !first {
		dst = append(dst, ',')
	}
	dst = appendJSONString(dst, key)
	return append(dst, ':')
}
