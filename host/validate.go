package host

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/runbookhq/runbook/host/abi"
)

// Validate asks a plugin whether config is acceptable (the web calls it
// before saving a monitor or reaction): first against the manifest's
// config schema, then, only when that passes, through the plugin's
// runbook_validate (which may then rely on the declared shape). A plugin
// without runbook_validate accepts whatever its schema does. The error is
// for failures to ask, not for a rejected config.
func (h *Host) Validate(ctx context.Context, plugin, version string, config json.RawMessage) ([]abi.FieldError, error) {
	p, err := h.lookup(plugin, version, "")
	if err != nil {
		return nil, err
	}
	if len(config) > 0 && !json.Valid(config) {
		return []abi.FieldError{{Message: "config is not valid JSON"}}, nil
	}
	if errs := p.schema.check(config); errs != nil {
		return errs, nil
	}
	if !p.hasValidate {
		return nil, nil
	}
	input, err := json.Marshal(abi.Input{Config: config})
	if err != nil {
		return nil, fmt.Errorf("plugin %s: encode input: %w", plugin, err)
	}
	b, err := p.invoke(ctx, abi.ExportValidate, input, config)
	if err != nil {
		return nil, err
	}
	var v abi.Validation
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("plugin %s: decode validation: %w", plugin, err)
	}
	return v.Errors, nil
}
