//go:build !linux

package gctuning

// totalMemory is unknown here: no default limit.
func totalMemory() uint64 { return 0 }
