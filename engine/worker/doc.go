// Package worker runs check plugins. A worker asks the monitor broker for
// jobs as it has free slots, runs each job's check through the plugin host
// with the job's deadline, and pushes the result to the action broker. It
// never reads the store or Redis: a job carries all it needs.
//
// A finished check releases its slot but holds its job until the result
// is committed by an actioner (the action broker's OK), so a worker
// process that dies loses nothing: the monitor broker re-sends the jobs it
// held. Results that are not healthy are sent urgent (ahead of the queue).
package worker
