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
//
// Both are reused across calls (an input buffer once its call has decoded
// it, the output buffer once the host has copied it out), so a call in
// the steady state allocates neither; see scratch for why that matters.
var (
	allocs [][]byte // outstanding runbook_alloc buffers: usually one
	spare  []byte   // a consumed input buffer, for the next runbook_alloc
	outBuf []byte   // the last runbook_call output's array
	result []byte
	// inputBuf is where the host writes every input that fits, once it
	// has asked runbook_input_buffer (docs/ABI.md §6.2): a call is then
	// one guest entry instead of two (runbook_alloc, then the call).
	// Allocated at the first ask, never freed: it must not move or be
	// collected while the host holds its address.
	inputBuf []byte
)

// inputBufSize holds a worker's input for any usual check (a few hundred
// bytes of context and config); larger inputs go through runbook_alloc.
const inputBufSize = 16 << 10

//go:wasmexport runbook_abi_v1
func abiV1() {}

//go:wasmexport runbook_manifest
func manifestExport() uint64 {
	return keep(mustPlugin().manifest)
}

//go:wasmexport runbook_alloc
func allocExport(size uint32) uint32 {
	var b []byte
	if uint64(cap(spare)) > uint64(size) {
		b, spare = spare[:size+1], nil
	} else {
		b = make([]byte, size+1) // never zero-sized, so the address is real
	}
	allocs = append(allocs, b)
	return uint32(uintptr(unsafe.Pointer(&b[0])))
}

//go:wasmexport runbook_input_buffer
func inputBufferExport() uint64 {
	if inputBuf == nil {
		inputBuf = make([]byte, inputBufSize)
	}
	return abi.Pack(uint32(uintptr(unsafe.Pointer(&inputBuf[0]))), uint32(len(inputBuf)))
}

//go:wasmexport runbook_call
func callExport(ptr, length uint32) uint64 {
	in := take(ptr, length)
	out := mustPlugin().call(in)
	release(in) // decoded: nothing refers to it any more
	// Reflection-free, byte for byte what json.Marshal writes
	// (codec_output.go), into the previous output's array: the host has
	// copied that one out. (Not result's: that may be the manifest.)
	b, err := appendOutput(outBuf[:0], out)
	if err != nil {
		b, _ = appendOutput(outBuf[:0], errorOutput(registered.kind, "encode output: %v", err))
	}
	if cap(b) <= maxScratch {
		outBuf = b
	}
	return keep(b)
}

// callBinaryExport is runbook_call with the binary input and output
// (docs/ABI.md §6.1): the host prefers it, as reading and writing JSON
// was half of a small check's guest CPU.
//
//go:wasmexport runbook_call_bin
func callBinaryExport(ptr, length uint32) uint64 {
	in := take(ptr, length)
	out := mustPlugin().callBinary(in)
	release(in)
	b, err := appendOutputBinary(outBuf[:0], out)
	if err != nil {
		b = outputError(err)
	}
	if cap(b) <= maxScratch {
		outBuf = b
	}
	return keep(b)
}

// outputError is the binary output of a result that could not be
// encoded; out of line, as no successful call runs it.
//
//go:noinline
func outputError(err error) []byte {
	b, _ := appendOutputBinary(outBuf[:0], errorOutput(registered.kind, "encode output: %v", err))
	return b
}

//go:wasmexport runbook_validate
func validateExport(ptr, length uint32) uint64 {
	b, _ := json.Marshal(mustPlugin().validate(take(ptr, length)))
	return keep(b)
}

// take returns the input the host wrote at ptr and stops tracking it.
func take(ptr, length uint32) []byte {
	if inputBuf != nil && ptr == uint32(uintptr(unsafe.Pointer(&inputBuf[0]))) && int(length) <= len(inputBuf) {
		return inputBuf[:length:length] // release leaves it alone: not a runbook_alloc buffer
	}
	return takeAlloc(ptr, length)
}

// takeAlloc is take for a runbook_alloc buffer: hosts that do not use
// the input buffer, and inputs too large for it. Out of line so the
// usual call's code stays small (docs/PERFORMANCE.md, round 8).
//
//go:noinline
func takeAlloc(ptr, length uint32) []byte {
	for i, b := range allocs {
		if uint32(uintptr(unsafe.Pointer(&b[0]))) == ptr {
			if int(length) > len(b) {
				break
			}
			allocs[i] = allocs[len(allocs)-1]
			allocs[len(allocs)-1] = nil
			allocs = allocs[:len(allocs)-1]
			return b[:length]
		}
	}
	panic("sdk: host passed a buffer runbook_alloc did not return")
}

// release offers a consumed input buffer to the next runbook_alloc. The
// decoders copy everything they keep (config bytes, strings), so nothing
// refers to it.
func release(b []byte) {
	if inputBuf != nil && cap(b) > 0 && unsafe.SliceData(b) == unsafe.SliceData(inputBuf) {
		return // the persistent input buffer stays where the host knows it
	}
	if cap(b) <= maxScratch {
		spare = b[:cap(b)]
	}
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
