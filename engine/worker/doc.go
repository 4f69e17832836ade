// Package worker runs check plugins. A worker asks the monitor broker for
// jobs as it has free slots, runs each job's check through the plugin host
// with the job's deadline, and pushes the result to the action broker. It
// never reads the store or Redis: a job carries all it needs.
package worker
