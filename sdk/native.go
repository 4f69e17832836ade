//go:build !wasip1

package sdk

import "errors"

// dst is unused: tests need no buffer reuse.
func hostCall(name string, req, _ []byte) ([]byte, error) {
	if NativeHost == nil {
		return nil, errors.New("no host: build with GOOS=wasip1 or set sdk.NativeHost in tests")
	}
	return NativeHost(name, req)
}
