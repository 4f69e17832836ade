//go:build race

package rollout_test

// raceSlowdown stretches the promptness bound under -race, where wazero
// and the host's instrumentation run 5-20x slower (more when the machine
// is shared): -race checks that no call fails and every switch happens;
// the 1 s figure is checked by ordinary builds (go test without -race).
const raceSlowdown = 15
