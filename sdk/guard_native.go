//go:build !wasip1

package sdk

import "sync"

// guard is a mutex where the SDK runs natively (plugin unit tests, which
// may call from several goroutines); see guard_wasm.go for the guest.
type guard struct{ sync.Mutex }
