//go:build !race

package rollout_test

const raceSlowdown = 1

const coldUnderTest = true
