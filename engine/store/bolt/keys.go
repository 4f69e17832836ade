package bolt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Keys are built so that bbolt's byte order is the order we read in:
// big-endian integers, and strings length-prefixed so that one monitor's
// prefix can never be a prefix of another's ("web" vs "web2").

// prefixed returns a 2-byte length followed by s.
func prefixed(s string) []byte {
	b := make([]byte, 2, 2+len(s))
	binary.BigEndian.PutUint16(b, uint16(len(s)))
	return append(b, s...)
}

// Times outside what UnixNano can represent (including the zero time) are
// clamped, so they still sort first or last instead of wrapping around.
var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

// timeKey is t as 8 bytes that sort like the times: UnixNano with its sign
// bit flipped, big-endian.
func timeKey(t time.Time) []byte {
	var n int64
	switch {
	case t.Before(minTime):
		n = math.MinInt64
	case t.After(maxTime):
		n = math.MaxInt64
	default:
		n = t.UnixNano()
	}
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, uint64(n)^(1<<63))
	return b
}

func concat(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]byte, 0, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// seqKey is a queue sequence number as a sortable key.
func seqKey(seq uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, seq)
	return b
}

// seqID renders a sequence as the entry ID callers see: zero-padded so that
// string order is queue order too.
func seqID(seq uint64) string { return fmt.Sprintf("%020d", seq) }

var errBadQueueID = errors.New("not a queue entry id this store assigned")

func parseSeqID(id string) (uint64, error) {
	if len(id) != 20 {
		return 0, errBadQueueID
	}
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return 0, errBadQueueID
	}
	return n, nil
}

// prefixEnd returns the smallest key greater than every key starting with
// p, or nil when there is none (p is all 0xff).
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}
