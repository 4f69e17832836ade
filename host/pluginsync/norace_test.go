//go:build !race

package pluginsync_test

const raceSlowdown = 1
