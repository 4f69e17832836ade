package sdk

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/abi/jsonx"
)

// appendOutput is json.Marshal(o.ABI()) without reflection (see jsonx)
// and without the map, byte for byte; NaN and ±Inf metrics are an
// error, as there.
func appendOutput(dst []byte, o Output) ([]byte, error) {
	dst = append(dst, `{"status":`...)
	dst = appendJSONString(dst, o.Status)
	if o.Message != "" {
		dst = append(dst, `,"message":`...)
		dst = appendJSONString(dst, o.Message)
	}
	if o.nInline > 0 || len(o.Metrics) > 0 {
		dst = append(dst, `,"metrics":{`...)
		var kb [8]string // most outputs have a few metrics: no allocation
		keys := kb[:0]
		for _, m := range o.inline[:o.nInline] {
			keys = append(keys, m.name)
		}
		for k := range o.Metrics {
			if o.inlineIndex(k) < 0 {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		var err error
		for i, k := range keys {
			v, _ := o.MetricValue(k)
			dst = jsonx.AppendKey(dst, i == 0, k)
			if dst, err = jsonx.AppendFloat(dst, v); err != nil {
				return nil, err
			}
		}
		dst = append(dst, '}')
	}
	return append(dst, '}'), nil
}

// appendOutputBinary is abi.AppendOutputBinary(dst, o.ABI()) without the
// map (docs/ABI.md §6.1): Metric's numbers in the order added, then
// those only in Metrics.
//
// The usual output (no Metrics map, finite numbers) is sized first and
// written in place by one function with no append per field; the rest
// takes appendOutputBinarySlow.
//
// RATIONALE: after every network wait a check's guest code is fetched
// again, so its size is what a check pays (docs/PERFORMANCE.md, round
// 8); the append chain was 5.9 KB of wasm in two functions.
func appendOutputBinary(dst []byte, o Output) ([]byte, error) {
	if len(o.Metrics) > 0 || len(o.Status) > 255 {
		return appendOutputBinarySlow(dst, o)
	}
	n := 2 + len(o.Status) + 4 + len(o.Message) + 4
	for _, m := range o.inline[:o.nInline] {
		if m.value-m.value != 0 { // NaN or ±Inf
			return appendOutputBinarySlow(dst, o)
		}
		n += 4 + len(m.name) + 8
	}
	dst = slices.Grow(dst, n)
	at := len(dst)
	b := dst[at : at+n]
	le := binary.LittleEndian
	b[0], b[1] = abi.OutputBinaryTag, byte(len(o.Status))
	i := 2 + copy(b[2:], o.Status)
	le.PutUint32(b[i:], uint32(len(o.Message)))
	i += 4 + copy(b[i+4:], o.Message)
	le.PutUint32(b[i:], uint32(o.nInline))
	i += 4
	for _, m := range o.inline[:o.nInline] {
		le.PutUint32(b[i:], uint32(len(m.name)))
		i += 4 + copy(b[i+4:], m.name)
		le.PutUint64(b[i:], math.Float64bits(m.value))
		i += 8
	}
	return dst[:at+n], nil
}

// appendOutputBinarySlow is appendOutputBinary for any output: a Metrics
// map, a number that is not finite (an error), a long status.
//
//go:noinline
func appendOutputBinarySlow(dst []byte, o Output) ([]byte, error) {
	if len(o.Status) > 255 {
		return dst, errors.New("binary output: status longer than 255 bytes")
	}
	dst = append(dst, abi.OutputBinaryTag, byte(len(o.Status)))
	dst = append(dst, o.Status...)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(o.Message)))
	dst = append(dst, o.Message...)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(o.MetricCount()))
	var err error
	for _, m := range o.inline[:o.nInline] {
		if dst, err = appendMetricBinary(dst, m.name, m.value); err != nil {
			return dst, err
		}
	}
	if len(o.Metrics) == 0 {
		return dst, nil // ranging over even an empty map is dear in wasm
	}
	for k, v := range o.Metrics {
		if o.nInline > 0 && o.inlineIndex(k) >= 0 {
			continue
		}
		if dst, err = appendMetricBinary(dst, k, v); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

func appendMetricBinary(dst []byte, name string, v float64) ([]byte, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return dst, errors.New("binary output: metric " + name + " is not a finite number")
	}
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(name)))
	dst = append(dst, name...)
	return binary.LittleEndian.AppendUint64(dst, math.Float64bits(v)), nil
}
