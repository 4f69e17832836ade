//go:build wasip1

package sdk

import (
	"fmt"
	"unsafe"

	"github.com/runbookhq/runbook/host/abi"
)

//go:wasmimport runbook host_call
func hostCallRaw(name unsafe.Pointer, nameLen uint32, req unsafe.Pointer, reqLen uint32) int64

//go:wasmimport runbook host_result
func hostResultRaw(dst unsafe.Pointer) int32

// hostCall does the two-step exchange: host_call runs the capability and
// parks the response on the host side; host_result copies it into a buffer
// this side allocated. The host never calls back into the guest, so there
// is no re-entrancy.
//
// The response goes into dst's array when it fits (dst may be nil).
func hostCall(name string, req, dst []byte) ([]byte, error) {
	n := hostCallRaw(unsafe.Pointer(unsafe.StringData(name)), uint32(len(name)),
		unsafe.Pointer(unsafe.SliceData(req)), uint32(len(req)))
	if n < 0 {
		return nil, hostCallError("host_call", n)
	}
	buf := dst[:0]
	if int64(cap(buf)) < n+1 {
		buf = make([]byte, n+1) // +1 so the pointer is valid even for n == 0
	}
	buf = buf[:n+1]
	if w := hostResultRaw(unsafe.Pointer(&buf[0])); w < 0 {
		return nil, hostCallError("host_result", int64(w))
	}
	return buf[:n], nil
}

// hostCallError is out of line: no successful call runs it, and a
// check's code is fetched again after every network wait
// (docs/PERFORMANCE.md, round 8).
//
//go:noinline
func hostCallError(fn string, code int64) error {
	return fmt.Errorf("%s failed with code %d", fn, code)
}

var _ = abi.ImportHostCall // the names above are spelled out; keep them in sync with abi
