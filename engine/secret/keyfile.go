package secret

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// EnvKey names the environment variable that holds the deployment's keys:
// base64, comma-separated, newest first. Every process of a deployment
// (web, workers, actioners in every zone) needs the same value.
const EnvKey = "RUNBOOK_SECRET_KEY"

// LoadBox returns the Box from $RUNBOOK_SECRET_KEY, or else from keyFile,
// creating keyFile with a new random key when it does not exist (what a
// single-machine `runbook up` wants). keyFile "" means: environment only.
func LoadBox(keyFile string) (*Box, error) {
	if env := strings.TrimSpace(os.Getenv(EnvKey)); env != "" {
		var keys [][]byte
		for i, part := range strings.Split(env, ",") {
			k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(part))
			if err != nil {
				return nil, fmt.Errorf("secret: %s key %d is not base64: %w", EnvKey, i, err)
			}
			keys = append(keys, k)
		}
		return NewBox(keys...)
	}
	if keyFile == "" {
		return nil, fmt.Errorf("secret: set %s (base64 of %d random bytes) on every Runbook process", EnvKey, KeySize)
	}
	b, err := os.ReadFile(keyFile)
	if errors.Is(err, os.ErrNotExist) {
		k := make([]byte, KeySize)
		if _, err := rand.Read(k); err != nil {
			return nil, fmt.Errorf("secret: new key: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(keyFile), 0o700); err != nil {
			return nil, fmt.Errorf("secret: key dir: %w", err)
		}
		enc := base64.StdEncoding.EncodeToString(k)
		if err := os.WriteFile(keyFile, []byte(enc+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("secret: writing %s: %w", keyFile, err)
		}
		return NewBox(k)
	}
	if err != nil {
		return nil, fmt.Errorf("secret: reading %s: %w", keyFile, err)
	}
	k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("secret: %s is not base64: %w", keyFile, err)
	}
	return NewBox(k)
}
