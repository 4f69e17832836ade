package host

import "crypto/rand"

// cryptoRand gives guests real randomness (wazero's default is a fixed
// seed, which would make every plugin's "random" IDs identical).
type cryptoRand struct{}

func (cryptoRand) Read(p []byte) (int, error) { return rand.Read(p) }
