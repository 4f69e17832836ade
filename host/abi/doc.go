// Package abi holds the wire shapes of the Runbook plugin ABI, version 1:
// the names of the exports a plugin provides and the import it may call,
// and the JSON documents that cross the boundary (manifest, input, output,
// host-call envelopes).
//
// It has no dependencies beyond the standard library and compiles for both
// the host (linux) and plugins (GOOS=wasip1), so the host and the SDK agree
// on one definition. docs/ABI.md is the normative text; this package is its
// Go rendering.
package abi
