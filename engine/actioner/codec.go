package actioner

import (
	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/internal/jsonenc"
)

// encodeResult is a result's history row, encoded without reflection
// (one per result).
func encodeResult(res engine.Result) ([]byte, error) {
	return jsonenc.Result(make([]byte, 0, 320+len(res.Message)), res)
}
