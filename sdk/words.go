package sdk

import (
	"math/bits"
	"unsafe"
)

// Byte strings read eight bytes per step. In a wasm guest Go's own
// string hashing (memhashFallback) and comparison (memeqbody) take one
// loop step per byte, at 30-40 ns a step.

// load8 reads the eight bytes at p+i; unaligned loads are fine on wasm,
// amd64 and arm64 (the only targets of this package).
func load8(p *byte, i int) uint64 { return *(*uint64)(unsafe.Add(unsafe.Pointer(p), i)) }

// hashWords is a 64-bit hash of b for an in-memory cache (not a
// defence against chosen collisions: callers confirm with equalWords).
func hashWords(b []byte) uint64 {
	const m = 0x9E3779B97F4A7C15
	h := uint64(len(b)) * m
	p := unsafe.SliceData(b)
	i := 0
	for ; i+8 <= len(b); i += 8 {
		h = bits.RotateLeft64((h^load8(p, i))*m, 29)
	}
	var tail uint64
	for j := len(b) - 1; j >= i; j-- {
		tail = tail<<8 | uint64(b[j])
	}
	h = (h ^ tail) * m
	h ^= h >> 32
	h *= m
	return h ^ h>>29
}

// equalWords reports whether s and b hold the same bytes.
func equalWords(s string, b []byte) bool {
	if len(s) != len(b) {
		return false
	}
	ps, pb := unsafe.StringData(s), unsafe.SliceData(b)
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if load8(ps, i) != load8(pb, i) {
			return false
		}
	}
	for ; i < len(b); i++ {
		if s[i] != b[i] {
			return false
		}
	}
	return true
}
