package host

import (
	"github.com/runbookhq/runbook/engine/secret"
	"log/slog"
	"time"

	"github.com/runbookhq/runbook/host/lock"
	"github.com/tetratelabs/wazero"
)

// Config of a Host. Zero values pick the documented defaults.
type Config struct {
	// LockFile is the plugins.lock to load. Ignored when Entries is set.
	LockFile string
	// Entries is an in-memory lock (tests, `runbook plugin run`).
	Entries []lock.Entry
	// PluginDir is the base for relative paths in the lock; default the
	// directory of LockFile, or the working directory.
	PluginDir string
	// CacheDir holds wazero's compilation cache on disk; "" keeps it in
	// memory for the Host's life.
	CacheDir string
	// Cache, when set, is used instead of CacheDir and not closed by the
	// Host: tests share one so each digest compiles once per process.
	Cache wazero.CompilationCache
	// PoolSize bounds live instances per plugin version (default 4): it is
	// also the number of concurrent calls one plugin version can serve.
	PoolSize int
	// Limits are the defaults for plugins whose lock entry sets none.
	Limits lock.Limits
	// MaxLimits is the operator's ceiling: lock entries cannot exceed it.
	MaxLimits lock.Limits
	// MaxHTTPBodyBytes caps response bodies handed to plugins (default 1 MiB).
	MaxHTTPBodyBytes int
	Logger           *slog.Logger
	// Secrets opens Call.SealedSecrets; nil means calls with sealed
	// secrets fail with a clear error instead of running without them.
	Secrets *secret.Box
}

// Defaults, documented in docs/ABI.md.
const (
	DefaultPoolSize         = 4
	DefaultMemoryMiB        = 64
	DefaultTimeout          = 30 * time.Second
	DefaultOutputBytes      = 1 << 20
	DefaultMaxMemoryMiB     = 512
	DefaultMaxTimeout       = 5 * time.Minute
	DefaultMaxOutputBytes   = 16 << 20
	DefaultMaxHTTPBodyBytes = 1 << 20
	// Bounds on what one call may push into the host's log.
	maxLogBytesPerCall = 16 << 10
	maxLogLine         = 1 << 10
	// maxRequestBytes bounds one host_call request.
	maxRequestBytes = 4 << 20
)

func (c Config) withDefaults() Config {
	if c.PoolSize <= 0 {
		c.PoolSize = DefaultPoolSize
	}
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.MaxLimits.MemoryMiB, DefaultMaxMemoryMiB)
	def(&c.MaxLimits.TimeoutMS, int(DefaultMaxTimeout/time.Millisecond))
	def(&c.MaxLimits.OutputBytes, DefaultMaxOutputBytes)
	def(&c.Limits.MemoryMiB, DefaultMemoryMiB)
	def(&c.Limits.TimeoutMS, int(DefaultTimeout/time.Millisecond))
	def(&c.Limits.OutputBytes, DefaultOutputBytes)
	def(&c.MaxHTTPBodyBytes, DefaultMaxHTTPBodyBytes)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// effectiveLimits applies the entry's overrides to the defaults and clamps
// the result to the ceiling.
func (c Config) effectiveLimits(e *lock.Limits) lock.Limits {
	l := c.Limits
	if e != nil {
		if e.MemoryMiB > 0 {
			l.MemoryMiB = e.MemoryMiB
		}
		if e.TimeoutMS > 0 {
			l.TimeoutMS = e.TimeoutMS
		}
		if e.OutputBytes > 0 {
			l.OutputBytes = e.OutputBytes
		}
	}
	l.MemoryMiB = min(l.MemoryMiB, c.MaxLimits.MemoryMiB)
	l.TimeoutMS = min(l.TimeoutMS, c.MaxLimits.TimeoutMS)
	l.OutputBytes = min(l.OutputBytes, c.MaxLimits.OutputBytes)
	return l
}
