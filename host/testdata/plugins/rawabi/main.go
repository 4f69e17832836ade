// Command rawabi is a test check plugin written against the bare ABI v1,
// without the SDK: the host must not depend on anything the SDK does
// beyond the documented exports. Config "mode" picks:
//
//	echo     healthy, message = config "say" + " " + the call's monitor_id
//	prepare  fills a buffer of "size" bytes and keeps it (memory grows now)
//	emit     returns the prepared buffer as the output, whatever its size
//
// prepare then emit lets a test make a huge output without the guest's
// memory growing during the call that returns it, so any allocation the
// host makes during that call is the host's own.
package main

import (
	"encoding/json"
	"unsafe"
)

const manifest = `{"name":"rawabi","version":"0.0.1","kind":"check","abi":1,"config":{"type":"object"}}`

var (
	input    []byte // from runbook_alloc until runbook_call
	result   []byte // until the next export call
	prepared []byte
)

//go:wasmexport runbook_abi_v1
func abiV1() {}

//go:wasmexport runbook_manifest
func manifestExport() uint64 { return keep([]byte(manifest)) }

//go:wasmexport runbook_alloc
func alloc(size uint32) uint32 {
	input = make([]byte, size+1)
	return uint32(uintptr(unsafe.Pointer(&input[0])))
}

//go:wasmexport runbook_call
func call(ptr, length uint32) uint64 {
	var in struct {
		Config struct {
			Mode string `json:"mode"`
			Say  string `json:"say"`
			Size int    `json:"size"`
		} `json:"config"`
		Context struct {
			MonitorID string `json:"monitor_id"`
		} `json:"context"`
	}
	if err := json.Unmarshal(input[:length], &in); err != nil {
		return output("unknown", err.Error())
	}
	input = nil
	switch in.Config.Mode {
	case "echo":
		return output("healthy", in.Config.Say+" "+in.Context.MonitorID)
	case "prepare":
		// Fill by doubling copies: a byte loop would take seconds under
		// the fallback deadline check this module gets (it imports no
		// host_call), and this mode exists to test output size, not loops.
		prepared = make([]byte, in.Config.Size)
		if len(prepared) > 0 {
			prepared[0] = 'x'
			for n := 1; n < len(prepared); n *= 2 {
				copy(prepared[n:], prepared[:n])
			}
		}
		return output("healthy", "prepared")
	case "emit":
		return keep(prepared)
	}
	return output("unknown", "unknown mode "+in.Config.Mode)
}

func output(status, msg string) uint64 {
	b, _ := json.Marshal(map[string]string{"status": status, "message": msg})
	return keep(b)
}

func keep(b []byte) uint64 {
	result = b
	if len(b) == 0 {
		return 0
	}
	return uint64(uintptr(unsafe.Pointer(&b[0])))<<32 | uint64(len(b))
}

func main() {}
