package actioner

import (
	"encoding/json"

	"github.com/runbookhq/runbook/engine"
)

// encodeResult is a result's history row.
func encodeResult(res engine.Result) ([]byte, error) { return json.Marshal(res) }
