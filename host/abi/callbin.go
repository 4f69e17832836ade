package abi

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"time"
)

// The binary call (docs/ABI.md §6.1): the same Input and Output as
// runbook_call's JSON, in a length-prefixed layout, for plugins that
// export runbook_call_bin.
//
// RATIONALE: reading the input JSON and writing the output JSON were
// ~30 µs of a Go guest's ~65 µs per http check (docs/PERFORMANCE.md):
// a wasm guest pays 30-40 ns per loop step and about a microsecond per
// allocation. Here a guest reads a handful of lengths, converts no
// numbers and parses no time. The config stays JSON: it is the plugin's
// own document, and the SDK caches it decoded by its bytes.

const (
	// InputBinaryTag and OutputBinaryTag open the two documents.
	InputBinaryTag  = 0xB2
	OutputBinaryTag = 0xB3
)

// AppendInputBinary appends in, little endian:
//
//	tag u8 (0xB2) | flags u8 (bit 0: scheduled_at set) |
//	scheduled_at i64 (Unix nanoseconds, UTC) |
//	config: u32 length + JSON bytes |
//	secrets: u32 count, per secret (keys sorted) u32 key length + key,
//	  u32 value length + value |
//	monitor_id, monitor_name, zone, status, previous_status, message,
//	  reaction_id, reaction_name: each u32 length + UTF-8 bytes
func AppendInputBinary(dst []byte, in Input) []byte {
	var flags byte
	var at int64
	if !in.Context.ScheduledAt.IsZero() {
		flags, at = 1, in.Context.ScheduledAt.UnixNano()
	}
	dst = append(dst, InputBinaryTag, flags)
	dst = binary.LittleEndian.AppendUint64(dst, uint64(at))
	dst = appendBytes32(dst, in.Config)
	keys := make([]string, 0, len(in.Secrets))
	for k := range in.Secrets {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(keys)))
	for _, k := range keys {
		dst = appendString32(dst, k)
		dst = appendString32(dst, in.Secrets[k])
	}
	c := in.Context
	for _, s := range [...]string{c.MonitorID, c.MonitorName, c.Zone, c.Status, c.PreviousStatus, c.Message, c.ReactionID, c.ReactionName} {
		dst = appendString32(dst, s)
	}
	return dst
}

// DecodeInputBinary reads what AppendInputBinary wrote into in.
// in.Config aliases b; strings equal to like's fields are like's own (no
// allocation: a zone or monitor id seen in the previous call); like may
// be nil. Anything short, long or mis-tagged is an error.
func DecodeInputBinary(b []byte, in *Input, like *CallContext) error {
	if len(b) < 14 || b[0] != InputBinaryTag {
		return errors.New("binary input: bad header")
	}
	if like == nil {
		like = &CallContext{}
	}
	*in = Input{}
	if b[1]&1 != 0 {
		in.Context.ScheduledAt = time.Unix(0, int64(binary.LittleEndian.Uint64(b[2:]))).UTC()
	}
	off := 10
	var ok bool
	var cfg []byte
	if cfg, off, ok = bytes32(b, off); !ok {
		return errBinaryShort
	}
	in.Config = cfg
	if off+4 > len(b) {
		return errBinaryShort
	}
	n := binary.LittleEndian.Uint32(b[off:])
	off += 4
	if uint64(n) > uint64(len(b)-off)/8 { // each secret takes at least 8 bytes
		return errBinaryShort
	}
	if n > 0 {
		in.Secrets = make(map[string]string, n)
		for range n {
			var k, v []byte
			if k, off, ok = bytes32(b, off); !ok {
				return errBinaryShort
			}
			if v, off, ok = bytes32(b, off); !ok {
				return errBinaryShort
			}
			in.Secrets[string(k)] = string(v)
		}
	}
	c := &in.Context
	for _, f := range [...]struct {
		dst  *string
		like string
	}{{&c.MonitorID, like.MonitorID}, {&c.MonitorName, like.MonitorName}, {&c.Zone, like.Zone},
		{&c.Status, like.Status}, {&c.PreviousStatus, like.PreviousStatus}, {&c.Message, like.Message},
		{&c.ReactionID, like.ReactionID}, {&c.ReactionName, like.ReactionName}} {
		var s []byte
		if s, off, ok = bytes32(b, off); !ok {
			return errBinaryShort
		}
		if string(s) == f.like { // compiled without a conversion
			*f.dst = f.like
		} else {
			*f.dst = string(s)
		}
	}
	if off != len(b) {
		return errors.New("binary input: trailing bytes")
	}
	return nil
}

// AppendOutputBinary appends o, little endian:
//
//	tag u8 (0xB3) | status: u8 length + bytes | message: u32 length +
//	bytes | metrics: u32 count, per metric u32 name length + name,
//	float64 bits (in map order: the host sorts when it needs to)
//
// NaN and ±Inf metrics are an error, as they are in JSON.
func AppendOutputBinary(dst []byte, o Output) ([]byte, error) {
	if len(o.Status) > 255 {
		return dst, errors.New("binary output: status longer than 255 bytes")
	}
	dst = append(dst, OutputBinaryTag, byte(len(o.Status)))
	dst = append(dst, o.Status...)
	dst = appendString32(dst, o.Message)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(o.Metrics)))
	for k, v := range o.Metrics {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return dst, errors.New("binary output: metric " + k + " is not a finite number")
		}
		dst = appendString32(dst, k)
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(v))
	}
	return dst, nil
}

// DecodeOutputBinary reads what AppendOutputBinary wrote into o,
// copying what it keeps; anything malformed, or a metric that is not a
// finite number, is an error.
func DecodeOutputBinary(b []byte, o *Output) error {
	if len(b) < 2 || b[0] != OutputBinaryTag {
		return errors.New("binary output: bad header")
	}
	*o = Output{}
	off := 2 + int(b[1])
	if off > len(b) {
		return errBinaryShort
	}
	o.Status = outputStatus(b[2:off])
	msg, off, ok := bytes32(b, off)
	if !ok {
		return errBinaryShort
	}
	o.Message = string(msg)
	if off+4 > len(b) {
		return errBinaryShort
	}
	n := binary.LittleEndian.Uint32(b[off:])
	off += 4
	if uint64(n) > uint64(len(b)-off)/12 { // each metric takes at least 12 bytes
		return errBinaryShort
	}
	if n > 0 {
		o.Metrics = make(map[string]float64, n)
		for range n {
			var k []byte
			if k, off, ok = bytes32(b, off); !ok || off+8 > len(b) {
				return errBinaryShort
			}
			v := math.Float64frombits(binary.LittleEndian.Uint64(b[off:]))
			off += 8
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return errors.New("binary output: metric " + string(k) + " is not a finite number")
			}
			o.Metrics[string(k)] = v
		}
	}
	if off != len(b) {
		return errors.New("binary output: trailing bytes")
	}
	return nil
}

var errBinaryShort = errors.New("binary document: truncated")

// outputStatus returns the status values without allocating.
func outputStatus(b []byte) string {
	switch string(b) {
	case StatusHealthy:
		return StatusHealthy
	case StatusFailed:
		return StatusFailed
	case StatusUnknown:
		return StatusUnknown
	case StatusOK:
		return StatusOK
	}
	return string(b)
}

func appendString32(dst []byte, s string) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(s)))
	return append(dst, s...)
}

func appendBytes32(dst []byte, b []byte) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(b)))
	return append(dst, b...)
}

// bytes32 reads a u32 length and that many bytes at off, aliasing b.
func bytes32(b []byte, off int) ([]byte, int, bool) {
	if off+4 > len(b) {
		return nil, off, false
	}
	n := int(binary.LittleEndian.Uint32(b[off:]))
	off += 4
	if n > len(b)-off {
		return nil, off, false
	}
	return b[off : off+n : off+n], off + n, true
}
