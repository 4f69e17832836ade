package web

import (
	"strings"

	"github.com/runbookhq/runbook/host/lock"

	"github.com/redis/go-redis/v9"
	"github.com/tetratelabs/wazero"

	"github.com/runbookhq/runbook/engine/secret"
)

// Option changes a Config; New applies them after the Config itself.
type Option func(*Config)

// WithSecrets sets the Box that seals monitor and reaction secrets.
func WithSecrets(b *secret.Box) Option { return func(c *Config) { c.Secrets = b } }

// WithPluginCache shares the plugin host's compilation cache with plugin
// uploads, so inspecting a pushed module does not compile it again.
func WithPluginCache(c wazero.CompilationCache) Option {
	return func(cfg *Config) { cfg.PluginCache = c }
}

// WithPublicURL sets the URL users reach the server at.
func WithPublicURL(u string) Option {
	return func(c *Config) { c.PublicURL = strings.TrimRight(u, "/") }
}

// WithZoneRedis gives plugin pushes each zone's Redis (by zone name), so
// a pushed version is prepared on every node of the zone before it is
// promoted and the switch is a pointer swap (engine/rollout).
func WithZoneRedis(m map[string]redis.UniversalClient) Option {
	return func(cfg *Config) { cfg.ZoneRedis = m }
}

// WithPluginBaseline gives plugin pushes the plugins.lock the zones' nodes
// run (rollout.LoadBaseline), so the first push of a plugin can be rolled
// back to the version it replaced.
func WithPluginBaseline(b []lock.Entry) Option {
	return func(cfg *Config) { cfg.PluginBaseline = b }
}
