package rethink

import (
	"fmt"
	"time"
)

// timeKeyLayout is fixed-width UTC with nanoseconds, so string order is
// time order. It is used where ReQL compares or orders times (indexes,
// the forward-only last run); RethinkDB's own TIME keeps only milliseconds
// and would make two rows in the same millisecond tie.
const timeKeyLayout = "2006-01-02T15:04:05.000000000Z"

func timeKey(t time.Time) string { return t.UTC().Format(timeKeyLayout) }

// timeText keeps a time's zone as well as its instant, for fields that are
// read back as they were written.
func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

func parseTimeText(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored %s %q: %w", field, s, err)
	}
	return t, nil
}
