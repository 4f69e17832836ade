package bolt

import "time"

// Option tunes Open.
type Option func(*config)

type config struct {
	lockTimeout time.Duration
	noSync      bool
	migrations  []migration
}

func defaultConfig() config {
	return config{lockTimeout: 5 * time.Second, migrations: migrations}
}

// WithLockTimeout bounds how long Open waits for another process that holds
// the file (bbolt locks it exclusively). Zero waits forever.
func WithLockTimeout(d time.Duration) Option {
	return func(c *config) { c.lockTimeout = d }
}

// WithNoSync skips fsync on commit. For tests and benchmarks only: a crash
// can lose the last writes, which breaks the store-is-the-truth promise.
func WithNoSync() Option {
	return func(c *config) { c.noSync = true }
}

// withMigrations replaces the migration list; tests use it to play a newer
// binary against an older file.
func withMigrations(m []migration) Option {
	return func(c *config) { c.migrations = m }
}
