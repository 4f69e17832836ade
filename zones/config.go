package zones

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/runbookhq/runbook/engine"
)

// Config is one zone: where its Redis and brokers are and how hard its
// workers and actioners work.
type Config struct {
	Name          string            `yaml:"name"`
	Redis         RedisConfig       `yaml:"redis"`
	MonitorBroker BrokerConfig      `yaml:"monitor_broker"`
	ActionBroker  BrokerConfig      `yaml:"action_broker"`
	Intervals     []engine.Duration `yaml:"intervals,omitempty"`
	Control       ControlConfig     `yaml:"control"`
	Worker        PoolConfig        `yaml:"worker"`
	Actioner      ActionerConfig    `yaml:"actioner"`
	Journal       JournalConfig     `yaml:"journal"`
	Plugins       PluginLimits      `yaml:"plugins"`
}

// RedisConfig addresses the zone's Redis.
type RedisConfig struct {
	Addr     string `yaml:"addr"`
	Password string `yaml:"password,omitempty"`
	DB       int    `yaml:"db,omitempty"`
}

// BrokerConfig names a broker's two ZeroMQ endpoints: producers (control,
// workers, bridge) push to Frontend, consumers (workers, actioners) connect
// to Backend and ask for work.
type BrokerConfig struct {
	Frontend string `yaml:"frontend"`
	Backend  string `yaml:"backend"`
	// QueueLimit bounds jobs waiting for a free consumer; beyond it jobs
	// are dropped and counted rather than grow memory without bound.
	QueueLimit int `yaml:"queue_limit,omitempty"`
}

// ControlConfig tunes the scheduler.
type ControlConfig struct {
	// Tick is how often control looks for due monitors while runs are
	// due within a tick; otherwise it sleeps until the next run (at most
	// control.IdleWait).
	Tick engine.Duration `yaml:"tick,omitempty"`
	// Batch is the most monitors claimed in one round trip.
	Batch int `yaml:"batch,omitempty"`
}

// PoolConfig sizes a worker.
type PoolConfig struct {
	Concurrency int `yaml:"concurrency,omitempty"`
}

// ActionerConfig sizes an actioner and bounds what it accepts.
type ActionerConfig struct {
	// Concurrency is how many results are applied at once. Reactions do
	// not hold a slot (broker.Release), so it need not cover slow ones.
	Concurrency int `yaml:"concurrency,omitempty"`
	// MaxResultAge drops results that finished longer ago (a backlog after
	// an outage must not fire reactions); they are counted, not applied.
	MaxResultAge engine.Duration `yaml:"max_result_age,omitempty"`
}

// Default is a one-zone setup on loopback, what `runbook up` runs.
func Default(name string, redisAddr string, basePort int) Config {
	ep := func(p int) string { return fmt.Sprintf("tcp://127.0.0.1:%d", basePort+p) }
	c := Config{
		Name:          name,
		Redis:         RedisConfig{Addr: redisAddr},
		MonitorBroker: BrokerConfig{Frontend: ep(0), Backend: ep(1)},
		ActionBroker:  BrokerConfig{Frontend: ep(2), Backend: ep(3)},
	}
	c.Normalize()
	return c
}

// Normalize fills defaults.
func (c *Config) Normalize() {
	if c.Control.Tick == 0 {
		c.Control.Tick = engine.Duration(50 * time.Millisecond)
	}
	if c.Control.Batch == 0 {
		c.Control.Batch = 1000
	}
	if c.Worker.Concurrency == 0 {
		c.Worker.Concurrency = 64
	}
	if c.Actioner.Concurrency == 0 {
		c.Actioner.Concurrency = 32
	}
	if c.Actioner.MaxResultAge == 0 {
		c.Actioner.MaxResultAge = engine.Duration(5 * time.Minute)
	}
	c.Journal.normalize()
	c.Plugins.normalize()
	for _, b := range []*BrokerConfig{&c.MonitorBroker, &c.ActionBroker} {
		if b.QueueLimit == 0 {
			b.QueueLimit = 100_000
		}
	}
}

// Validate returns every problem, each naming its field.
func (c *Config) Validate() error {
	var errs engine.FieldErrors
	if !engine.ValidID(c.Name) {
		errs.Add("name", "must be 1-64 letters, digits, '.', '_' or '-', not %q", c.Name)
	}
	if c.Redis.Addr == "" {
		errs.Add("redis.addr", "is required")
	}
	for field, ep := range map[string]string{
		"monitor_broker.frontend": c.MonitorBroker.Frontend,
		"monitor_broker.backend":  c.MonitorBroker.Backend,
		"action_broker.frontend":  c.ActionBroker.Frontend,
		"action_broker.backend":   c.ActionBroker.Backend,
	} {
		if !validEndpoint(ep) {
			errs.Add(field, "must be a ZeroMQ endpoint like tcp://127.0.0.1:5555 or ipc:///path, not %q", ep)
		}
	}
	for i, iv := range c.Intervals {
		if d := iv.D(); d < engine.MinInterval || d > engine.MaxInterval {
			errs.Add(fmt.Sprintf("intervals[%d]", i), "must be between %s and %s, not %s", engine.MinInterval, engine.MaxInterval, d)
		}
	}
	if c.Control.Tick.D() <= 0 || c.Control.Tick.D() > 10*time.Second {
		errs.Add("control.tick", "must be between 0 and 10s")
	}
	// The claim script unpacks two values per claim onto Lua's stack
	// (at most 8,000): 3,000 keeps well clear of it.
	if c.Control.Batch < 1 || c.Control.Batch > 3000 {
		errs.Add("control.batch", "must be between 1 and 3000, not %d", c.Control.Batch)
	}
	if c.Worker.Concurrency < 1 || c.Worker.Concurrency > 10_000 {
		errs.Add("worker.concurrency", "must be between 1 and 10000")
	}
	if c.Actioner.Concurrency < 1 || c.Actioner.Concurrency > 10_000 {
		errs.Add("actioner.concurrency", "must be between 1 and 10000")
	}
	if d := c.Actioner.MaxResultAge.D(); d < time.Second || d > 24*time.Hour {
		errs.Add("actioner.max_result_age", "must be between 1s and 24h, not %s", d)
	}
	for field, b := range map[string]BrokerConfig{"monitor_broker": c.MonitorBroker, "action_broker": c.ActionBroker} {
		if b.QueueLimit < 1 || b.QueueLimit > 10_000_000 {
			errs.Add(field+".queue_limit", "must be between 1 and 10000000, not %d", b.QueueLimit)
		}
	}
	c.Journal.validate(&errs)
	c.Plugins.validate(&errs)
	sort.Slice(errs, func(i, j int) bool { return errs[i].Field < errs[j].Field })
	return errs.Err()
}

// AllowsInterval reports whether monitors in this zone may use d.
// A zone that lists no intervals allows any valid one.
func (c *Config) AllowsInterval(d time.Duration) bool {
	if len(c.Intervals) == 0 {
		return true
	}
	for _, iv := range c.Intervals {
		if iv.D() == d {
			return true
		}
	}
	return false
}

func validEndpoint(ep string) bool {
	for _, p := range []string{"tcp://", "ipc://", "inproc://"} {
		if strings.HasPrefix(ep, p) && len(ep) > len(p) {
			return true
		}
	}
	return false
}

// Parse reads one zone from YAML, refusing unknown fields so a typo is an
// error, not a silently ignored setting.
func Parse(data []byte) (Config, error) {
	var c Config
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("parsing zone config: %w", err)
	}
	c.Normalize()
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("zone %q: %w", c.Name, err)
	}
	return c, nil
}

// LoadFile reads one zone file.
func LoadFile(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("reading zone config: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// LoadDir reads every *.yaml/*.yml in dir; zone names must be unique.
func LoadDir(dir string) ([]Config, error) {
	var out []Config
	seen := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			return nil
		}
		c, err := LoadFile(p)
		if err != nil {
			return err
		}
		if prev, ok := seen[c.Name]; ok {
			return fmt.Errorf("%s: zone %q is already defined in %s", p, c.Name, prev)
		}
		seen[c.Name] = p
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("loading zones from %s: %w", dir, err)
	}
	if len(out) == 0 {
		return nil, errors.New("loading zones from " + dir + ": no zone files (*.yaml)")
	}
	return out, nil
}
