package web

import (
	"github.com/tetratelabs/wazero"
	"strings"

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
