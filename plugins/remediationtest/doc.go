// Package remediationtest runs the mail and SSH reaction plugins
// (plugins/email, ssh-run, linux-service, docker) end to end: each test
// builds the real .wasm, starts a real host on it and points the plugin
// at a real local peer from host/captest, the SMTP relay or OpenSSH's
// sshd, then asserts what that peer received or ran.
package remediationtest
