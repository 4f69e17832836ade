//go:build !race

package hotload_test

const raceSlowdown = 1
