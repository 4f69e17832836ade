//go:build wasip1

package sdk

import (
	"encoding/json"
	"unsafe"

	"github.com/runbookhq/runbook/host/abi"
)

// Buffers the host writes into or reads from must stay reachable by the Go
// GC while the host holds their address: inputs from runbook_alloc until
// the call that consumes them, results until the next call replaces them.
var (
	allocs = map[uint32][]byte{}
	result []byte
)

//go:wasmexport runbook_abi_v1
func abiV1() {}

//go:wasmexport runbook_manifest
func manifestExport() uint64 {
	return keep(mustPlugin().manifest)
}

//go:wasmexport runbook_alloc
func allocExport(size uint32) uint32 {
	b := make([]byte, size+1) // never zero-sized, so the address is real
	p := uint32(uintptr(unsafe.Pointer(&b[0])))
	allocs[p] = b
	return p
}

//go:wasmexport runbook_call
func callExport(ptr, length uint32) uint64 {
	out := mustPlugin().call(take(ptr, length))
	// Reflection-free, byte for byte what json.Marshal writes (codec_output.go).
	b, err := appendOutput(nil, out)
	if err != nil {
		b, _ = appendOutput(nil, errorOutput(registered.kind, "encode output: %v", err))
	}
	return keep(b)
}

//go:wasmexport runbook_validate
func validateExport(ptr, length uint32) uint64 {
	b, _ := json.Marshal(mustPlugin().validate(take(ptr, length)))
	return keep(b)
}

// take returns the input the host wrote at ptr and releases the buffer.
func take(ptr, length uint32) []byte {
	b, ok := allocs[ptr]
	if !ok || int(length) > len(b) {
		panic("sdk: host passed a buffer runbook_alloc did not return")
	}
	delete(allocs, ptr)
	return b[:length]
}

func keep(b []byte) uint64 {
	result = b
	if len(b) == 0 {
		return 0
	}
	return abi.Pack(uint32(uintptr(unsafe.Pointer(&b[0]))), uint32(len(b)))
}

func mustPlugin() *plugin {
	if registered == nil {
		panic("sdk: no sdk.Check or sdk.Reaction registered in an init function")
	}
	return registered
}
