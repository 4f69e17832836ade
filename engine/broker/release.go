package broker

import "context"

// slotCtl is what a handler's context carries: how to give the slot back
// and how to ask for the message to be sent again.
type slotCtl struct {
	free  func()
	retry func()
}

type slotKey struct{}

// Release tells the consumer that the running handler no longer needs its
// slot, though it has not finished: the broker may send another message at
// once, but this one stays in flight (and is re-sent if the process dies)
// until the handler returns. The actioner calls it before running
// reactions, so a slow reaction never holds a slot other monitors need.
// It is a no-op outside a handler, when called twice, or when the
// consumer already has as many released handlers as it allows.
func Release(ctx context.Context) {
	if c, ok := ctx.Value(slotKey{}).(*slotCtl); ok {
		c.free()
	}
}

// Retry tells the consumer that the running handler did not finish its
// message (its process is stopping, or Redis failed): when the handler
// returns the broker is told RETRY instead of DONE, and sends the message
// again after RetryAfter, to whichever consumer has a slot then, instead
// of reporting it finished to its producer. A no-op outside a handler.
func Retry(ctx context.Context) {
	if c, ok := ctx.Value(slotKey{}).(*slotCtl); ok {
		c.retry()
	}
}
