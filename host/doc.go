// Package host runs Runbook's check and reaction plugins: WebAssembly
// modules speaking ABI v1 (see host/abi and docs/ABI.md), loaded from
// plugins.lock and run under wazero.
//
// Each locked plugin version gets its own wazero runtime (so its memory
// limit is its own) sharing one compilation cache, is compiled once per
// sha256, and keeps a bounded pool of initialised instances: instantiation
// costs milliseconds, a call microseconds. A call gets a deadline, a memory
// limit and an output size limit; an instance that trapped, timed out or
// exceeded a limit is closed, never pooled again.
//
// Plugins reach the outside only through capabilities (host functions
// behind the single "runbook.host_call" import), registered by name with
// RegisterCapability. Each is checked against the manifest, the lock's
// grant and the monitor's own target; network ones inherit the call's
// deadline.
//
// A plugin that fails to load is isolated: New still succeeds, Plugins
// reports the reason, and calls to it return it as an error.
package host
