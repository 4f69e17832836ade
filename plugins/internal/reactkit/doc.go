// Package reactkit is what the first-party HTTP reaction plugins share:
// config checks that name the field at fault, secret lookup by name,
// and one way to call a provider and turn its error response into a
// message a user can act on. It is not a plugin (no main.go), so
// plugintool.List skips it; each plugin compiles it into its own module.
package reactkit
