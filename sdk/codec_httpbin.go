package sdk

import (
	"encoding/binary"
	"errors"
	"math"

	"github.com/runbookhq/runbook/host/abi"
)

// decodeHTTPBinary is abi.DecodeHTTPResponseBinary (same documents
// accepted, same values; tested against it) written for a wasm guest:
// straight-line loads at fixed offsets, no helper calls per field, and
// no heap object for a response without headers and with an empty body.
// It copies what it keeps, so b may be reused. The response is returned
// by value: its stores then go to the caller's stack, with no GC write
// barrier each (smaller code; docs/PERFORMANCE.md, round 8).
//
// RATIONALE: abi's reader (a method call per length) was ~4 µs of an
// http check's ~50 µs guest time (docs/PERFORMANCE.md, "Plugin host").
func decodeHTTPBinary(b []byte) (r abi.HTTPResponse, err error) {
	const header = 1 + 1 + 2 + 8 + 5*8
	if len(b) < header || b[0] != abi.BinaryReplyTag {
		return r, errors.New("binary http result: bad header")
	}
	le := binary.LittleEndian
	r = abi.HTTPResponse{
		Status:    int(le.Uint16(b[2:])),
		Size:      int64(le.Uint64(b[4:])),
		Truncated: b[1]&1 != 0,
		Timing: abi.Timing{
			DNSMS:       math.Float64frombits(le.Uint64(b[12:])),
			ConnectMS:   math.Float64frombits(le.Uint64(b[20:])),
			TLSMS:       math.Float64frombits(le.Uint64(b[28:])),
			FirstByteMS: math.Float64frombits(le.Uint64(b[36:])),
			TotalMS:     math.Float64frombits(le.Uint64(b[44:])),
		},
	}
	rest := b[header:]
	if len(rest) < 2 {
		return r, errHTTPBinShort
	}
	n := int(le.Uint16(rest))
	if n > len(rest)-2 {
		return r, errHTTPBinShort
	}
	r.Proto = protoName(rest[2 : 2+n])
	rest = rest[2+n:]
	if len(rest) < 4 {
		return r, errHTTPBinShort
	}
	nh := le.Uint32(rest)
	rest = rest[4:]
	if nh > 0 {
		if r.Headers, rest, err = decodeHeadersBinary(rest, nh); err != nil {
			return abi.HTTPResponse{}, err
		}
	}
	if len(rest) < 4 {
		return r, errHTTPBinShort
	}
	nb := le.Uint32(rest)
	rest = rest[4:]
	if uint64(nb) > uint64(len(rest)) {
		return r, errHTTPBinShort
	}
	if nb > 0 {
		r.Body = small.bytes(rest[:nb])
	}
	if len(rest) != int(nb) {
		return r, errors.New("binary http result: trailing bytes")
	}
	return r, nil
}

var errHTTPBinShort = errors.New("binary http result: truncated")

// decodeHeadersBinary reads nh headers at the start of b and returns
// them and what follows them.
func decodeHeadersBinary(b []byte, nh uint32) (map[string][]string, []byte, error) {
	le := binary.LittleEndian
	// Each header takes at least 6 bytes: a hostile count cannot make
	// us allocate more than the buffer could describe.
	if uint64(nh) > uint64(len(b))/6 {
		return nil, nil, errHTTPBinShort
	}
	headers := make(map[string][]string, nh)
	for range nh {
		if len(b) < 2 {
			return nil, nil, errHTTPBinShort
		}
		kn := int(le.Uint16(b))
		if kn > len(b)-2 {
			return nil, nil, errHTTPBinShort
		}
		k := small.string(b[2 : 2+kn])
		b = b[2+kn:]
		if len(b) < 4 {
			return nil, nil, errHTTPBinShort
		}
		nv := le.Uint32(b)
		b = b[4:]
		if uint64(nv) > uint64(len(b))/4 {
			return nil, nil, errHTTPBinShort
		}
		vs := make([]string, nv)
		for j := range vs {
			if len(b) < 4 {
				return nil, nil, errHTTPBinShort
			}
			vn := le.Uint32(b)
			if uint64(vn) > uint64(len(b)-4) {
				return nil, nil, errHTTPBinShort
			}
			vs[j] = small.string(b[4 : 4+vn])
			b = b[4+vn:]
		}
		headers[k] = vs
	}
	return headers, b, nil
}

// protoName returns the usual protocol names without allocating.
func protoName(b []byte) string {
	switch string(b) { // compiled without a conversion
	case "HTTP/1.1":
		return "HTTP/1.1"
	case "HTTP/2.0":
		return "HTTP/2.0"
	case "HTTP/1.0":
		return "HTTP/1.0"
	}
	return small.string(b)
}
