package abi

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
)

// ReplyBinary is the value of HTTPRequest.Reply that asks for a
// successful http result in the binary layout below instead of a JSON
// envelope. Errors always come back as a JSON envelope.
//
// RATIONALE: decoding the JSON result was half of a Go guest's CPU per
// http check (docs/PERFORMANCE.md, "Plugin host"): every byte of a JSON
// document is a loop step, and a wasm guest pays ~30-40 ns a step. The
// binary layout is read with a handful of fixed-offset loads. It is an
// optional field of ABI v1: a host that predates it answers JSON, so a
// guest must accept both (BinaryReplyTag tells them apart).
const ReplyBinary = "binary"

// BinaryReplyTag is the first byte of a binary http result. A JSON
// envelope starts with '{', so one byte tells a guest which it got.
const BinaryReplyTag = 0xB1

// httpBinHeader is the fixed part: tag, flags, status, size, 5 timings.
const httpBinHeader = 1 + 1 + 2 + 8 + 5*8

// AppendHTTPResponseBinary appends r in the binary layout (all integers
// little endian; docs/ABI.md §9 "http"):
//
//	tag u8 (0xB1) | flags u8 (bit 0: truncated) | status u16 | size i64 |
//	dns_ms, connect_ms, tls_ms, first_byte_ms, total_ms: float64 bits |
//	proto: u16 length + bytes |
//	headers: u32 count, then per header (keys sorted) u16 key length +
//	  key, u32 value count, per value u32 length + bytes |
//	body: u32 length + bytes
func AppendHTTPResponseBinary(dst []byte, r HTTPResponse) []byte {
	var flags byte
	if r.Truncated {
		flags |= 1
	}
	dst = append(dst, BinaryReplyTag, flags)
	dst = binary.LittleEndian.AppendUint16(dst, uint16(r.Status))
	dst = binary.LittleEndian.AppendUint64(dst, uint64(r.Size))
	for _, ms := range [...]float64{r.Timing.DNSMS, r.Timing.ConnectMS, r.Timing.TLSMS, r.Timing.FirstByteMS, r.Timing.TotalMS} {
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(ms))
	}
	dst = binary.LittleEndian.AppendUint16(dst, uint16(len(r.Proto)))
	dst = append(dst, r.Proto...)
	keys := make([]string, 0, len(r.Headers))
	for k := range r.Headers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(keys)))
	for _, k := range keys {
		dst = binary.LittleEndian.AppendUint16(dst, uint16(len(k)))
		dst = append(dst, k...)
		vs := r.Headers[k]
		dst = binary.LittleEndian.AppendUint32(dst, uint32(len(vs)))
		for _, v := range vs {
			dst = binary.LittleEndian.AppendUint32(dst, uint32(len(v)))
			dst = append(dst, v...)
		}
	}
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(r.Body)))
	return append(dst, r.Body...)
}

var errHTTPBinShort = errors.New("binary http result: truncated")

// DecodeHTTPResponseBinary reads what AppendHTTPResponseBinary wrote. It
// copies everything it keeps, so b may be reused, and it rejects
// anything malformed (a short buffer, trailing bytes, a wrong tag)
// rather than guessing.
func DecodeHTTPResponseBinary(b []byte, r *HTTPResponse) error {
	if len(b) < httpBinHeader || b[0] != BinaryReplyTag {
		return errors.New("binary http result: bad header")
	}
	le := binary.LittleEndian
	*r = HTTPResponse{
		Status:    int(le.Uint16(b[2:])),
		Size:      int64(le.Uint64(b[4:])),
		Truncated: b[1]&1 != 0,
		Timing: Timing{
			DNSMS:       math.Float64frombits(le.Uint64(b[12:])),
			ConnectMS:   math.Float64frombits(le.Uint64(b[20:])),
			TLSMS:       math.Float64frombits(le.Uint64(b[28:])),
			FirstByteMS: math.Float64frombits(le.Uint64(b[36:])),
			TotalMS:     math.Float64frombits(le.Uint64(b[44:])),
		},
	}
	d := binReader{b: b[httpBinHeader:]}
	r.Proto = proto(d.bytes(int(d.u16())))
	if n := d.u32(); n > 0 && !d.bad {
		// Each header takes at least 6 bytes: a hostile count cannot
		// make us allocate more than the buffer could describe.
		if uint64(n) > uint64(len(d.b))/6 {
			return errHTTPBinShort
		}
		r.Headers = make(map[string][]string, n)
		for range n {
			k := string(d.bytes(int(d.u16())))
			nv := d.u32()
			if d.bad || uint64(nv) > uint64(len(d.b))/4 {
				return errHTTPBinShort
			}
			vs := make([]string, nv)
			for j := range vs {
				vs[j] = string(d.bytes(int(d.u32())))
			}
			r.Headers[k] = vs
		}
	}
	if n := int(d.u32()); n > 0 {
		r.Body = slices.Clone(d.bytes(n))
	}
	if d.bad {
		return errHTTPBinShort
	}
	if len(d.b) != 0 {
		return errors.New("binary http result: trailing bytes")
	}
	return nil
}

// proto returns the usual protocol names without allocating.
func proto(b []byte) string {
	switch string(b) { // compiled without a conversion
	case "HTTP/1.1":
		return "HTTP/1.1"
	case "HTTP/2.0":
		return "HTTP/2.0"
	case "HTTP/1.0":
		return "HTTP/1.0"
	}
	return string(b)
}

// binReader reads length-prefixed fields; once a read runs past the
// end, bad is set and every later read returns zero values.
type binReader struct {
	b   []byte
	bad bool
}

func (d *binReader) take(n int) []byte {
	if d.bad || n > len(d.b) {
		d.bad, d.b = true, nil
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *binReader) u16() uint16 {
	if v := d.take(2); len(v) == 2 {
		return binary.LittleEndian.Uint16(v)
	}
	return 0
}

func (d *binReader) u32() uint32 {
	if v := d.take(4); len(v) == 4 {
		return binary.LittleEndian.Uint32(v)
	}
	return 0
}

func (d *binReader) bytes(n int) []byte { return d.take(n) }
