// Package sshreact is what the SSH reaction plugins (ssh-run,
// linux-service, docker) share: the connection fields of their configs and
// their schema, running one command through the host's ssh capability
// with the key from the reaction's secrets, judging its exit, and building
// commands from validated names so a config can never reach the shell.
// It is not a plugin (no main.go); each plugin compiles it in.
package sshreact
