package sdk

import (
	"encoding/binary"
	"errors"
	"time"

	"github.com/runbookhq/runbook/host/abi"
)

// decodeInputBinary is abi.DecodeInputBinary (same documents accepted,
// same values; tested against it) written for a wasm guest: a string
// equal to like's is compared eight bytes per step (equalWords; Go's ==
// takes a step per byte there) and then shared, not copied; another is
// carved (carve.go), not allocated. The input is returned by value:
// its stores then go to the caller's stack, with no GC write barrier
// each (smaller code; docs/PERFORMANCE.md, round 8).
//
// RATIONALE: the abi decoder and its comparisons were ~3 µs of an http
// check's guest time (docs/PERFORMANCE.md, "Plugin host").
func decodeInputBinary(b []byte, like *abi.CallContext) (in abi.Input, err error) {
	if len(b) < 14 || b[0] != abi.InputBinaryTag {
		return in, errors.New("binary input: bad header")
	}
	if like == nil {
		like = &abi.CallContext{}
	}
	le := binary.LittleEndian
	if b[1]&1 != 0 {
		in.Context.ScheduledAt = time.Unix(0, int64(le.Uint64(b[2:]))).UTC()
	}
	rest := b[10:]
	cfg, rest, ok := field32(rest)
	if !ok {
		return in, errInputShort
	}
	in.Config = cfg
	if len(rest) < 4 {
		return in, errInputShort
	}
	n := le.Uint32(rest)
	rest = rest[4:]
	if uint64(n) > uint64(len(rest))/8 { // each secret takes at least 8 bytes
		return in, errInputShort
	}
	if n > 0 {
		if in.Secrets, rest, ok = decodeSecrets(rest, n); !ok {
			return in, errInputShort
		}
	}
	// One loop over the eight string fields rather than eight inlined
	// reads: a third of the code (docs/PERFORMANCE.md, round 8).
	c := &in.Context
	dst := [...]*string{&c.MonitorID, &c.MonitorName, &c.Zone, &c.Status, &c.PreviousStatus, &c.Message, &c.ReactionID, &c.ReactionName}
	was := [...]*string{&like.MonitorID, &like.MonitorName, &like.Zone, &like.Status, &like.PreviousStatus, &like.Message, &like.ReactionID, &like.ReactionName}
	for i, d := range dst {
		if rest, ok = str32(rest, d, *was[i]); !ok {
			return in, errInputShort
		}
	}
	if len(rest) != 0 {
		return in, errors.New("binary input: trailing bytes")
	}
	return in, nil
}

// decodeSecrets reads n secrets at the start of b. Checks rarely have
// any: out of line, so the usual decode stays small (docs/PERFORMANCE.md,
// round 8).
//
//go:noinline
func decodeSecrets(b []byte, n uint32) (map[string]string, []byte, bool) {
	m := make(map[string]string, n)
	for range n {
		var k, v []byte
		var ok bool
		if k, b, ok = field32(b); !ok {
			return nil, b, false
		}
		if v, b, ok = field32(b); !ok {
			return nil, b, false
		}
		m[small.string(k)] = string(v) // a secret is not kept in shared chunks
	}
	return m, b, true
}

// errInputShort says what abi's decoder says.
var errInputShort = errors.New("binary document: truncated")

// field32 reads a u32 length and that many bytes, aliasing b.
func field32(b []byte) (v, rest []byte, ok bool) {
	if len(b) < 4 {
		return nil, b, false
	}
	n := binary.LittleEndian.Uint32(b)
	if uint64(n) > uint64(len(b)-4) {
		return nil, b, false
	}
	return b[4 : 4+n : 4+n], b[4+n:], true
}

// str32 reads a string field into *dst: like itself when equal.
func str32(b []byte, dst *string, like string) ([]byte, bool) {
	v, rest, ok := field32(b)
	if !ok {
		return b, false
	}
	switch {
	case len(v) == 0:
		*dst = ""
	case equalWords(like, v):
		*dst = like
	default:
		*dst = small.string(v)
	}
	return rest, true
}
