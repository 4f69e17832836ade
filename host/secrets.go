package host

import (
	"errors"
	"fmt"
	"maps"
)

// errNoSecretKey explains the one deployment mistake that makes secrets
// unusable: a process that runs plugins without the deployment's key.
var errNoSecretKey = errors.New("this process has no secret key: set RUNBOOK_SECRET_KEY (the same on every Runbook process) or run `runbook up`")

// openSecrets decrypts a call's sealed secrets into its input. Opening
// happens here, at the sandbox boundary, so the plaintext exists only for
// the one call of the object that owns it: queues, Redis, the store and
// logs only ever see the sealed form.
func (h *Host) openSecrets(c *Call) error {
	if c.SealedSecrets == "" {
		return nil
	}
	if h.cfg.Secrets == nil {
		return fmt.Errorf("plugin %s: opening secrets: %w", c.Plugin, errNoSecretKey)
	}
	values, err := h.cfg.Secrets.Open(c.SealedSecrets)
	if err != nil {
		return fmt.Errorf("plugin %s: opening secrets: %w", c.Plugin, err)
	}
	// Copy: the caller's Input may be shared across calls.
	merged := make(map[string]string, len(values)+len(c.Input.Secrets))
	maps.Copy(merged, c.Input.Secrets)
	maps.Copy(merged, values)
	c.Input.Secrets = merged
	return nil
}
