package host

import (
	"errors"
	"fmt"
)

// A minimal reader and writer for the WebAssembly binary format: just
// enough to split a module into sections, read the few sections the
// instrumentation needs, and re-encode the two it changes (global, code).
// Every other byte of the module is copied verbatim, so custom sections
// (names, producers) and sections this file does not understand survive.
//
// RATIONALE: github.com/tetratelabs/wabin decodes a whole module into a
// data model and encodes it back, which rewrites sections we never touch
// (names, customs) and ties us to its 2023 feature set (it is published
// only as a pseudo-version). Touching only two sections is less code to
// trust than a full round trip.

// Section ids (core spec §5.5.2; tag is the exception-handling proposal's).
const (
	secCustom    = 0
	secType      = 1
	secImport    = 2
	secFunction  = 3
	secTable     = 4
	secMemory    = 5
	secGlobal    = 6
	secExport    = 7
	secStart     = 8
	secElement   = 9
	secCode      = 10
	secData      = 11
	secDataCount = 12
	secTag       = 13
)

var wasmHeader = []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}

var errTruncated = errors.New("unexpected end of module")

// reader walks a byte slice; every method fails rather than panics on
// malformed input.
type reader struct {
	b   []byte
	pos int
}

func (r *reader) done() bool { return r.pos >= len(r.b) }

func (r *reader) byte() (byte, error) {
	if r.pos >= len(r.b) {
		return 0, errTruncated
	}
	c := r.b[r.pos]
	r.pos++
	return c, nil
}

func (r *reader) bytes(n uint32) ([]byte, error) {
	if uint64(n) > uint64(len(r.b)-r.pos) {
		return nil, errTruncated
	}
	s := r.b[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return s, nil
}

// u32 reads an unsigned LEB128 of at most 5 bytes.
func (r *reader) u32() (uint32, error) {
	var v uint64
	for i := 0; i < 5; i++ {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			if v > 0xffffffff {
				return 0, errors.New("u32 LEB128 overflows")
			}
			return uint32(v), nil
		}
	}
	return 0, errors.New("u32 LEB128 longer than 5 bytes")
}

// sleb reads a signed LEB128 of at most maxBytes bytes and returns its
// value sign-extended to 64 bits (only block types look at the value).
func (r *reader) sleb(maxBytes int) (int64, error) {
	var v int64
	var shift uint
	for i := 0; i < maxBytes; i++ {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		v |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			return v, nil
		}
	}
	return 0, fmt.Errorf("signed LEB128 longer than %d bytes", maxBytes)
}

func (r *reader) name() (string, error) {
	n, err := r.u32()
	if err != nil {
		return "", err
	}
	b, err := r.bytes(n)
	return string(b), err
}

func appendU32(b []byte, v uint32) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func appendS32(b []byte, v int32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// section is one section of a module: its id and content (without the
// id byte and size).
type section struct {
	id      byte
	content []byte
}

// splitSections checks the header and returns the module's sections in
// order.
func splitSections(wasm []byte) ([]section, error) {
	if len(wasm) < len(wasmHeader) || string(wasm[:len(wasmHeader)]) != string(wasmHeader) {
		return nil, errors.New("not a wasm 1.0 binary module")
	}
	r := &reader{b: wasm, pos: len(wasmHeader)}
	var out []section
	for !r.done() {
		id, err := r.byte()
		if err != nil {
			return nil, err
		}
		n, err := r.u32()
		if err != nil {
			return nil, fmt.Errorf("section %d size: %w", id, err)
		}
		c, err := r.bytes(n)
		if err != nil {
			return nil, fmt.Errorf("section %d: %w", id, err)
		}
		out = append(out, section{id: id, content: c})
	}
	return out, nil
}

// joinSections is the inverse of splitSections.
func joinSections(secs []section) []byte {
	size := len(wasmHeader)
	for _, s := range secs {
		size += 6 + len(s.content)
	}
	b := make([]byte, 0, size)
	b = append(b, wasmHeader...)
	for _, s := range secs {
		b = append(b, s.id)
		b = appendU32(b, uint32(len(s.content)))
		b = append(b, s.content...)
	}
	return b
}
