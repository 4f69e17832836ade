package host

// closeOnContextDone selects how a call's deadline stops guest code.
// wazero's WithCloseOnContextDone(true) compiles a check into every loop
// header and function entry, so a guest stuck in a loop that never calls
// the host is still stopped at its deadline. The alternative, closing the
// module from a timer (context.AfterFunc + CloseWithExitCode) without that
// option, costs nothing per iteration but does not interrupt code that
// never returns to the host: a spinning guest would burn a core until its
// loop ends. BenchmarkDeadline measures both; docs/PERFORMANCE.md records
// the choice. Only benchmarks change it.
var closeOnContextDone = true
