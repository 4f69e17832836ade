// Package assemblyscript is the Runbook plugin SDK for AssemblyScript: the
// TypeScript sources under assembly/ implement plugin ABI v1 (docs/ABI.md)
// the way sdk/ does for Go, and examples/ holds plugins built with it
// (`make as`). This Go package only holds the test that loads those
// plugins into the real host, proving the ABI is language-neutral.
package assemblyscript
