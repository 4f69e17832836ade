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
func appendOutputBinary(dst []byte, o Output) ([]byte, error) {
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
