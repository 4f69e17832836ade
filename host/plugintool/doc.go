// Package plugintool is what `runbook plugin build|lock|verify|inspect|run`
// call: building plugins/ to deterministic .wasm files, writing and
// checking plugins.lock, and running one module locally. cmd/ only parses
// flags and prints.
package plugintool
