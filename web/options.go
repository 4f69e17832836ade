package web

import (
	"context"
	"strings"

	"github.com/runbookhq/runbook/engine/secret"
)

// Option changes a Config; New applies them after the Config itself.
type Option func(*Config)

// WithSecrets sets the Box that seals monitor and reaction secrets.
func WithSecrets(b *secret.Box) Option { return func(c *Config) { c.Secrets = b } }

// WithPublicURL sets the URL users reach the server at.
func WithPublicURL(u string) Option {
	return func(c *Config) { c.PublicURL = strings.TrimRight(u, "/") }
}

type optionsKey struct{}

// WithOptions returns a ctx that carries options to Server.Listen. It lets
// a caller that does not build the Config itself (cmd/runbook's node
// builds it) still hand the web its secret Box and public URL: Listen
// applies them before serving. Passing options to New is the direct way.
func WithOptions(ctx context.Context, opts ...Option) context.Context {
	prev, _ := ctx.Value(optionsKey{}).([]Option)
	return context.WithValue(ctx, optionsKey{}, append(append([]Option(nil), prev...), opts...))
}

func optionsFrom(ctx context.Context) []Option {
	o, _ := ctx.Value(optionsKey{}).([]Option)
	return o
}
