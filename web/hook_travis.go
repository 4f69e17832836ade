package web

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // Travis CI signs with RSA-SHA1; we verify what it sends.
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strings"

	"github.com/runbookhq/runbook/engine"
)

// Travis CI posts a form with one field, "payload", holding the build as
// JSON, and signs that field's value: header Signature is base64 of an
// RSA PKCS#1 v1.5 SHA-1 signature, checkable with the public key Travis
// publishes at /config (notifications.webhook.public_key).
type travisPayload struct {
	ID            int64  `json:"id"`
	Number        string `json:"number"`
	Status        *int   `json:"status"`
	StatusMessage string `json:"status_message"`
	ResultMessage string `json:"result_message"`
	Branch        string `json:"branch"`
	BuildURL      string `json:"build_url"`
	Repository    struct {
		Name      string `json:"name"`
		OwnerName string `json:"owner_name"`
	} `json:"repository"`
}

func verifyTravis(r hookRequest) error {
	keys := r.TravisKeys
	if r.Secrets.TravisPublicKey != "" {
		keys = []string{r.Secrets.TravisPublicKey}
	}
	if len(keys) == 0 {
		return nil // no key configured: the URL token authenticates
	}
	payload, _ := formField(r.Body, r.ContentType, "payload")
	return checkTravisSignature(payload, r.Header("Signature"), keys)
}

func checkTravisSignature(payload []byte, sigB64 string, pemKeys []string) error {
	if sigB64 == "" {
		return badSignature("Signature", "missing; a Travis CI public key is configured")
	}
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sigB64))
	if err != nil {
		return badSignature("Signature", "is not base64: %v", err)
	}
	sum := sha1.Sum(payload) //nolint:gosec
	for _, k := range pemKeys {
		pub, err := parseRSAPublicKey(k)
		if err != nil {
			return err
		}
		if rsa.VerifyPKCS1v15(pub, crypto.SHA1, sum[:], sig) == nil {
			return nil
		}
	}
	return badSignature("Signature", "does not verify with the configured Travis CI public key")
}

func parseRSAPublicKey(p string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(p))
	if block == nil {
		return nil, fmt.Errorf("travis public key: not PEM")
	}
	if k, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
		if rk, ok := k.(*rsa.PublicKey); ok {
			return rk, nil
		}
		return nil, fmt.Errorf("travis public key: not RSA")
	}
	k, err := x509.ParsePKCS1PublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("travis public key: %w", err)
	}
	return k, nil
}

// validPEMKey is used when a user saves a key, so a typo is a field
// error then, not a refused build later.
func validPEMKey(p string) error {
	_, err := parseRSAPublicKey(p)
	return err
}

func parseTravis(body []byte, contentType string) (verdict, error) {
	if len(body) > maxHookBody {
		return verdict{}, badPayload("body", "payload larger than %d bytes", maxHookBody)
	}
	raw, _ := formField(body, contentType, "payload")
	if len(raw) == 0 {
		return verdict{}, badPayload("payload", "missing: Travis CI sends the build in a form field named payload")
	}
	var p travisPayload
	if err := json.Unmarshal(raw, &p); err != nil {
		return verdict{}, badPayload("payload", "is not JSON: %v", err)
	}
	state := firstNonEmpty(p.StatusMessage, p.ResultMessage)
	msg := fmt.Sprintf("build #%s of %s/%s (%s): %s", p.Number, p.Repository.OwnerName, p.Repository.Name, p.Branch, state)
	switch strings.ToLower(state) {
	case "passed", "fixed":
		return verdict{Status: engine.StatusHealthy, Message: truncate(msg, 500)}, nil
	case "broken", "failed", "still failing", "errored":
		return verdict{Status: engine.StatusFailed, Message: truncate(msg, 500)}, nil
	case "pending", "canceled", "cancelled", "started":
		return verdict{Ignore: true, Message: msg}, nil
	}
	if p.Status != nil {
		if *p.Status == 0 {
			return verdict{Status: engine.StatusHealthy, Message: truncate(msg, 500)}, nil
		}
		return verdict{Status: engine.StatusFailed, Message: truncate(msg, 500)}, nil
	}
	return verdict{}, badPayload("payload.status_message", "unknown build state %q", state)
}
