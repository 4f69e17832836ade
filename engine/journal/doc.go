// Package journal is the zone Redis log of records on their way to the
// store: history rows, events, reaction logs and reaction lastruns.
//
// Actioners never write those to the store directly. They append them to
// the journal (one pipelined round trip, made durable by Redis' AOF) before
// telling the broker a result is done, and a flusher moves them to the
// store in batches. That one path gives three properties at once:
//
//   - batching: the store sees a few large writes, not one per check;
//   - no loss on a crash: a record is in Redis before the result is acked,
//     and leaves Redis only after the store accepted it;
//   - cache-only mode: when the store is down the journal just grows, and
//     drains by itself when the store is back (the architecture's
//     "write-behind"), exactly once because store writes are idempotent by
//     record ID and the trim is guarded by the flusher's lock.
package journal
