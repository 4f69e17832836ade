package sdk

import (
	"slices"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/abi/jsonx"
)

// appendOutput is json.Marshal(o) for abi.Output without reflection (see
// jsonx), byte for byte; NaN and ±Inf metrics are an error, as there.
func appendOutput(dst []byte, o abi.Output) ([]byte, error) {
	dst = append(dst, `{"status":`...)
	dst = jsonx.AppendString(dst, o.Status)
	if o.Message != "" {
		dst = append(dst, `,"message":`...)
		dst = jsonx.AppendString(dst, o.Message)
	}
	if len(o.Metrics) > 0 {
		dst = append(dst, `,"metrics":{`...)
		var kb [8]string // most outputs have a few metrics: no allocation
		keys := kb[:0]
		for k := range o.Metrics {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var err error
		for i, k := range keys {
			dst = jsonx.AppendKey(dst, i == 0, k)
			if dst, err = jsonx.AppendFloat(dst, o.Metrics[k]); err != nil {
				return nil, err
			}
		}
		dst = append(dst, '}')
	}
	return append(dst, '}'), nil
}
