// Package sshcheck is the shared part of the check plugins that run a
// command over SSH (ssh-command and the threshold checks): the
// connection fields (with an optional jump host) and their schema, the
// manifest that makes the host allow exactly those addresses, running the
// command, and comparing a reading with a threshold.
package sshcheck
