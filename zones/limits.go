package zones

import (
	"time"

	"github.com/runbookhq/runbook/engine"
)

// PluginLimits bound every plugin call a zone's workers and actioners
// make. They are the host's defaults and ceiling: a plugin's own lock
// entry may ask for less, never for more than the Max* values.
type PluginLimits struct {
	// PoolSize is how many instances of one plugin version run at once
	// (each ~2.4 MB); it caps that plugin's concurrent calls.
	PoolSize int `yaml:"pool_size,omitempty"`
	// MemoryMiB, Timeout and OutputBytes are per-call defaults.
	MemoryMiB   int             `yaml:"memory_mib,omitempty"`
	Timeout     engine.Duration `yaml:"timeout,omitempty"`
	OutputBytes int             `yaml:"output_bytes,omitempty"`
	// MaxMemoryMiB, MaxTimeout and MaxOutputBytes are the ceiling no lock
	// entry may exceed.
	MaxMemoryMiB   int             `yaml:"max_memory_mib,omitempty"`
	MaxTimeout     engine.Duration `yaml:"max_timeout,omitempty"`
	MaxOutputBytes int             `yaml:"max_output_bytes,omitempty"`
}

// Defaults match host.Config's documented defaults (docs/ABI.md); they
// are repeated here so a zone file shows what it runs with.
func (p *PluginLimits) normalize() {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&p.PoolSize, 4)
	def(&p.MemoryMiB, 64)
	def(&p.OutputBytes, 1<<20)
	def(&p.MaxMemoryMiB, 512)
	def(&p.MaxOutputBytes, 16<<20)
	if p.Timeout == 0 {
		p.Timeout = engine.Duration(30 * time.Second)
	}
	if p.MaxTimeout == 0 {
		p.MaxTimeout = engine.Duration(5 * time.Minute)
	}
}

func (p *PluginLimits) validate(errs *engine.FieldErrors) {
	if p.PoolSize < 1 || p.PoolSize > 1024 {
		errs.Add("plugins.pool_size", "must be between 1 and 1024, not %d", p.PoolSize)
	}
	// 65536 pages of 64 KiB is all a wasm32 memory can address.
	if p.MaxMemoryMiB < 1 || p.MaxMemoryMiB > 4096 {
		errs.Add("plugins.max_memory_mib", "must be between 1 and 4096, not %d", p.MaxMemoryMiB)
	}
	if p.MemoryMiB < 1 || p.MemoryMiB > p.MaxMemoryMiB {
		errs.Add("plugins.memory_mib", "must be between 1 and max_memory_mib (%d), not %d", p.MaxMemoryMiB, p.MemoryMiB)
	}
	if d := p.MaxTimeout.D(); d <= 0 || d > time.Hour {
		errs.Add("plugins.max_timeout", "must be between 0 and 1h, not %s", d)
	}
	if d := p.Timeout.D(); d <= 0 || d > p.MaxTimeout.D() {
		errs.Add("plugins.timeout", "must be between 0 and max_timeout (%s), not %s", p.MaxTimeout, d)
	}
	if p.MaxOutputBytes < 1 || p.MaxOutputBytes > 256<<20 {
		errs.Add("plugins.max_output_bytes", "must be between 1 and 268435456, not %d", p.MaxOutputBytes)
	}
	if p.OutputBytes < 1 || p.OutputBytes > p.MaxOutputBytes {
		errs.Add("plugins.output_bytes", "must be between 1 and max_output_bytes (%d), not %d", p.MaxOutputBytes, p.OutputBytes)
	}
}

// JournalConfig tunes the write-behind flusher.
type JournalConfig struct {
	// FlushInterval is the most a record waits in Redis before the store
	// sees it (when the store is up).
	FlushInterval engine.Duration `yaml:"flush_interval,omitempty"`
	// Batch is the most records of one kind written in one store call.
	Batch int `yaml:"batch,omitempty"`
}

func (j *JournalConfig) normalize() {
	if j.FlushInterval == 0 {
		// Each flush is a store commit (and an fsync) whose cost is mostly
		// per commit, not per row: at 10,000 results/s half a second gives
		// commits of ~5,000 rows. Records are safe in the zone Redis
		// meanwhile; only the dashboard's history lags by this much.
		j.FlushInterval = engine.Duration(500 * time.Millisecond)
	}
	if j.Batch == 0 {
		j.Batch = 10000
	}
}

func (j *JournalConfig) validate(errs *engine.FieldErrors) {
	if d := j.FlushInterval.D(); d <= 0 || d > time.Minute {
		errs.Add("journal.flush_interval", "must be between 0 and 1m, not %s", d)
	}
	if j.Batch < 1 || j.Batch > 100_000 {
		errs.Add("journal.batch", "must be between 1 and 100000, not %d", j.Batch)
	}
}
