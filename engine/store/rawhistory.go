package store

import (
	"context"
	"time"
)

// EncodedResult is a history row already encoded as JSON (the shape
// engine/internal/jsonenc writes, which encoding/json decodes into
// engine.Result), with what the store files it by.
type EncodedResult struct {
	ID        string
	MonitorID string
	At        time.Time // FinishedAt, or ScheduledAt without one
	JSON      []byte
}

// EncodedHistory is a Store that takes history rows as the journal holds
// them, so a flush neither decodes nor re-encodes them. Same semantics as
// AddHistory: idempotent by row, all rows commit together. The caller
// vouches that JSON decodes into engine.Result.
type EncodedHistory interface {
	AddEncodedHistory(ctx context.Context, rows []EncodedResult) error
}
