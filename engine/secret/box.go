package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the size of a sealing key in bytes (AES-256).
const KeySize = 32

const prefix = "rbsec1"

// ErrNoKey means a sealed value names a key this Box does not hold.
var ErrNoKey = errors.New("secret: sealed with a key this process does not have")

// Box seals with its first key and opens with any of its keys.
type Box struct {
	keys []key
}

type key struct {
	id   string
	aead cipher.AEAD
}

// NewBox makes a Box from one or more 32-byte keys, newest first.
func NewBox(keys ...[]byte) (*Box, error) {
	if len(keys) == 0 {
		return nil, errors.New("secret: no key")
	}
	b := &Box{}
	for i, k := range keys {
		if len(k) != KeySize {
			return nil, fmt.Errorf("secret: key %d is %d bytes, want %d", i, len(k), KeySize)
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, fmt.Errorf("secret: key %d: %w", i, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("secret: key %d: %w", i, err)
		}
		b.keys = append(b.keys, key{id: keyID(k), aead: aead})
	}
	return b, nil
}

// keyID names a key without revealing it: the first bytes of its hash.
func keyID(k []byte) string {
	sum := sha256.Sum256(append([]byte("runbook-secret-key-id:"), k...))
	return hex.EncodeToString(sum[:4])
}

// Seal encrypts values. An empty map seals to "" so objects without
// secrets carry nothing.
func (b *Box) Seal(values map[string]string) (string, error) {
	if len(values) == 0 {
		return "", nil
	}
	plain, err := json.Marshal(values)
	if err != nil {
		return "", fmt.Errorf("secret: encoding: %w", err)
	}
	k := b.keys[0]
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("secret: nonce: %w", err)
	}
	// The key id is authenticated data: a sealed value cannot be moved to
	// another key's name.
	ct := k.aead.Seal(nil, nonce, plain, []byte(k.id))
	return prefix + ":" + k.id + ":" + base64.RawStdEncoding.EncodeToString(append(nonce, ct...)), nil
}

// Open decrypts a sealed value; "" opens to nil.
func (b *Box) Open(sealed string) (map[string]string, error) {
	if sealed == "" {
		return nil, nil
	}
	parts := strings.SplitN(sealed, ":", 3)
	if len(parts) != 3 || parts[0] != prefix {
		return nil, errors.New("secret: not a sealed value")
	}
	// Strict: a non-canonical encoding (other trailing bits) is refused
	// rather than read as the same bytes.
	raw, err := base64.RawStdEncoding.Strict().DecodeString(parts[2])
	if err != nil {
		return nil, fmt.Errorf("secret: sealed value: %w", err)
	}
	for _, k := range b.keys {
		if k.id != parts[1] {
			continue
		}
		n := k.aead.NonceSize()
		if len(raw) < n {
			return nil, errors.New("secret: sealed value too short")
		}
		plain, err := k.aead.Open(nil, raw[:n], raw[n:], []byte(k.id))
		if err != nil {
			return nil, errors.New("secret: sealed value was altered or is corrupt")
		}
		var values map[string]string
		if err := json.Unmarshal(plain, &values); err != nil {
			return nil, fmt.Errorf("secret: decoding: %w", err)
		}
		return values, nil
	}
	return nil, fmt.Errorf("%w (key id %s)", ErrNoKey, parts[1])
}

// Names lists the secret names a sealed value holds, for showing a user
// which secrets are set without showing them.
func (b *Box) Names(sealed string) ([]string, error) {
	v, err := b.Open(sealed)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(v))
	for n := range v {
		names = append(names, n)
	}
	return names, nil
}
