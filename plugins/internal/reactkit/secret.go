package reactkit

import (
	"fmt"

	"github.com/runbookhq/runbook/sdk"
)

// SecretName is the secret a config field names, or def when the field
// is empty: most users keep one credential per provider under a
// conventional name.
func SecretName(configured, def string) string {
	if configured != "" {
		return configured
	}
	return def
}

// Secret returns the value of the secret named by config field field
// (name already defaulted). The error names the field and the secret,
// never a value: secrets must not reach logs or reaction messages.
func Secret(ctx sdk.Context, field, name string) (string, error) {
	v, ok := ctx.Secrets[name]
	if !ok || v == "" {
		return "", fmt.Errorf("%s: secret %q was not given to this reaction", field, name)
	}
	return v, nil
}
