//go:build race

package rollout_test

// raceSlowdown stretches the promptness bound under -race, where wazero
// and the host's instrumentation run 5-20x slower (more when the machine
// is shared): -race checks that no call fails and every switch happens;
// the 1 s figure is checked by ordinary builds (go test without -race).
const raceSlowdown = 15

// coldUnderTest: under -race a cold compile of a Go module takes ~30-60 s
// (wazero's compiler is instrumented too), so TestHotLoadUnderLoad gives
// its zones the shared, warm cache there: the prepare and promote code
// paths are the same, only the compile is shorter. Ordinary builds run
// it cold (each zone compiles the pushed module itself during prepare).
const coldUnderTest = false
