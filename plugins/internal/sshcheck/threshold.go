package sshcheck

import (
	"fmt"
	"math"
	"strconv"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/sdk"
)

// Threshold is a limit and the side of it that is failed. Plugins embed
// it; its fields are "threshold" and "fail_when" ("above" or "below",
// with a per-plugin default).
type Threshold struct {
	Limit    *float64 `json:"threshold,omitempty"`
	FailWhen string   `json:"fail_when,omitempty"`
}

// ThresholdProps are the schema properties of Threshold, for a reading
// described by what, between lo and hi.
func ThresholdProps(what string, lo, hi, def float64, failWhen string) string {
	return fmt.Sprintf(`"threshold": {"type": "number", "minimum": %s, "maximum": %s, "default": %s, "description": %q},
    "fail_when": {"type": "string", "enum": ["above", "below"], "default": %q, "description": "failed when the reading is above or below the threshold"}`,
		num(lo), num(hi), num(def), what, failWhen)
}

// CheckRange validates the threshold fields against [lo, hi].
func (t Threshold) CheckRange(lo, hi float64) error {
	if t.Limit != nil && (math.IsNaN(*t.Limit) || *t.Limit < lo || *t.Limit > hi) {
		return reactkit.Field("threshold", "%s: want %s to %s", num(*t.Limit), num(lo), num(hi))
	}
	if t.FailWhen != "" {
		return reactkit.OneOf("fail_when", t.FailWhen, "above", "below")
	}
	return nil
}

// Judge compares a reading with the threshold (def and defFailWhen when
// unset): failed on the fail side, healthy on the limit itself and the
// other side. what names the reading and unit follows numbers ("%",
// " MiB", "").
func (t Threshold) Judge(what string, v float64, unit string, def float64, defFailWhen string) sdk.Output {
	limit, side := def, defFailWhen
	if t.Limit != nil {
		limit = *t.Limit
	}
	if t.FailWhen != "" {
		side = t.FailWhen
	}
	breach := v > limit
	if side == "below" {
		breach = v < limit
	}
	if breach {
		return sdk.Failed("%s %s%s is %s the threshold %s%s", what, num(v), unit, side, num(limit), unit).Metric("threshold", limit)
	}
	return sdk.Healthy("%s %s%s (fails %s %s%s)", what, num(v), unit, side, num(limit), unit).Metric("threshold", limit)
}

// num prints a reading readably: at most two decimals, no trailing zeros.
func num(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }
