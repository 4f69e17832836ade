package abi

import "fmt"

// Version is the ABI version this package describes and the host speaks.
const Version = 1

// Export names a plugin module provides. The marker export makes the ABI
// version readable from the module's export section without running code.
const (
	// ExportMarkerPrefix + the decimal version, e.g. "runbook_abi_v1".
	// A function of type () -> (); the host never calls it.
	ExportMarkerPrefix = "runbook_abi_v"
	// ExportManifest: () -> i64, a packed (ptr, len) of the manifest JSON.
	ExportManifest = "runbook_manifest"
	// ExportAlloc: (size i32) -> i32 ptr. The host writes inputs there.
	ExportAlloc = "runbook_alloc"
	// ExportCall: (ptr i32, len i32) -> i64 packed (ptr, len) of the Output JSON.
	ExportCall = "runbook_call"
	// ExportCallBinary (optional): runbook_call with the binary Input and
	// Output of callbin.go. The host uses it when a plugin exports it.
	ExportCallBinary = "runbook_call_bin"
	// ExportInputBuffer (optional): () -> i64 packed (ptr, len) of a
	// guest-owned buffer that stays valid for the instance's life. The
	// host asks once per instance and writes every input that fits there,
	// calling runbook_call, runbook_call_bin or runbook_validate without a
	// runbook_alloc first (docs/ABI.md §6.2). A zero length means none.
	ExportInputBuffer = "runbook_input_buffer"
	// ExportValidate (optional): (ptr i32, len i32) -> i64 packed (ptr, len)
	// of a Validation JSON.
	ExportValidate = "runbook_validate"
	// ExportInitialize is the WASI reactor initialiser (Go c-shared emits it).
	ExportInitialize = "_initialize"
)

// Imports the host provides to plugins, in module ImportModule.
const (
	ImportModule = "runbook"
	// ImportHostCall: (name_ptr, name_len, req_ptr, req_len i32) -> i64.
	// A result >= 0 is the length of the pending response envelope; a
	// negative result is one of the HostCallErr codes.
	ImportHostCall = "host_call"
	// ImportHostResult: (ptr i32) -> i32. Copies the pending response into
	// guest memory at ptr (which must hold the length host_call returned)
	// and returns the number of bytes written, or a negative HostCallErr.
	ImportHostResult = "host_result"
)

// Negative results of host_call and host_result. Capability failures
// (denied, unknown capability, network errors) are NOT reported here: they
// come back as an Envelope with Error set, so a plugin can tell its user why.
const (
	HostCallErrMemory    = -1 // a pointer or length is outside guest memory
	HostCallErrTooLarge  = -2 // request larger than the host accepts
	HostCallErrNoPending = -3 // host_result without a pending response
)

// MarkerExport returns the marker export name for ABI version v.
func MarkerExport(v int) string { return fmt.Sprintf("%s%d", ExportMarkerPrefix, v) }

// Pack puts a guest pointer and length into the i64 that runbook_manifest,
// runbook_call and runbook_validate return: ptr in the high 32 bits.
func Pack(ptr, length uint32) uint64 { return uint64(ptr)<<32 | uint64(length) }

// Unpack is the inverse of Pack.
func Unpack(v uint64) (ptr, length uint32) { return uint32(v >> 32), uint32(v) }
