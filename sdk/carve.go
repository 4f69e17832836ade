package sdk

import "unsafe"

// carver copies short byte strings into shared chunks instead of a heap
// object each: one allocation per chunk, not per string.
//
// RATIONALE: in a wasm guest each allocation is about a microsecond, and
// a check's steady state makes a few tiny ones per call (a monitor id
// that differs from the previous call's, a one-byte body). A chunk is
// never written again after a piece of it is handed out, so a string or
// slice carved from it stays valid for as long as anything refers to it
// (the GC keeps the whole chunk alive meanwhile: at most chunkSize per
// retained piece). Pieces are capacity-capped, so an append to one
// copies rather than writing into its neighbour.
type carver struct {
	mu    guard
	chunk []byte // the unused tail of the current chunk
}

const (
	chunkSize = 4 << 10
	maxCarved = 256 // longer pieces get their own allocation
)

// small serves the decoders of host replies and inputs.
var small carver

// bytes returns a copy of b (nil for an empty b).
func (c *carver) bytes(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	if len(b) > maxCarved {
		return append([]byte(nil), b...)
	}
	c.mu.Lock()
	if len(c.chunk) < len(b) {
		c.chunk = make([]byte, chunkSize)
	}
	n := copy(c.chunk, b)
	out := c.chunk[:n:n]
	c.chunk = c.chunk[n:]
	c.mu.Unlock()
	return out
}

// string returns b as a string that does not alias b.
func (c *carver) string(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > maxCarved {
		return string(b)
	}
	p := c.bytes(b)
	return unsafe.String(unsafe.SliceData(p), len(p)) // never written again
}
