// Package lock reads, checks and writes plugins.lock: the list of every
// plugin a deployment may load, with the sha256 of its .wasm, the
// capabilities the operator granted and optional per-plugin limits.
//
// It knows nothing about wazero; building entries from .wasm files (which
// needs the manifest, hence running the module once) lives in
// host/plugintool. The format is specified in docs/ABI.md.
package lock
