package broker

import "context"

type releaseKey struct{}

// Release tells the consumer that the running handler no longer needs its
// slot, though it has not finished: the broker may send another message at
// once, but this one stays in flight (and is re-sent if the process dies)
// until the handler returns. The actioner calls it before running
// reactions, so a slow reaction never holds a slot other monitors need.
// It is a no-op outside a handler, when called twice, or when the
// consumer already has as many released handlers as it allows.
func Release(ctx context.Context) {
	if f, ok := ctx.Value(releaseKey{}).(func()); ok {
		f()
	}
}
