package broker

import (
	"encoding/binary"
	"errors"
	"time"
)

// Several messages travel in one ZeroMQ frame (BATCH from producers, JOBS
// to consumers, ACKS back): each frame crossing cgo and each wake-up of a
// peer costs microseconds, which at 10,000 messages a second was a quarter
// of the pipeline's CPU. A packed message is
//
//	uvarint len(id) | id | varint deadline (unix ms) | uvarint len(payload) | payload
//
// and a packed ack is one verb byte (ackDone, ackFree, ackEnd) then
// uvarint len(id) | id. Credits still count messages, not frames.

var errShortPack = errors.New("broker: truncated packed frame")

func appendMessage(b []byte, m Message) []byte {
	b = binary.AppendUvarint(b, uint64(len(m.ID)))
	b = append(b, m.ID...)
	var ms int64
	if !m.Deadline.IsZero() {
		ms = m.Deadline.UnixMilli()
	}
	b = binary.AppendVarint(b, ms)
	b = binary.AppendUvarint(b, uint64(len(m.Payload)))
	return append(b, m.Payload...)
}

// unpackMessages calls fn for each message in b. Payloads alias b.
func unpackMessages(b []byte, fn func(Message)) error {
	for len(b) > 0 {
		id, rest, err := field(b)
		if err != nil {
			return err
		}
		ms, n := binary.Varint(rest)
		if n <= 0 {
			return errShortPack
		}
		payload, rest, err := field(rest[n:])
		if err != nil {
			return err
		}
		m := Message{ID: string(id), Payload: payload}
		if ms != 0 {
			m.Deadline = time.UnixMilli(ms)
		}
		fn(m)
		b = rest
	}
	return nil
}

// Ack verbs inside an ACKS frame, in the order the consumer saw them: a
// message freed then finished must be FREE before END.
const (
	ackDone byte = 'D'
	ackFree byte = 'F'
	ackEnd  byte = 'E'
	// The handler did not finish the message: ackRetry frees its slot,
	// ackRetryEnd (after a FREE) frees nothing.
	ackRetry    byte = 'R'
	ackRetryEnd byte = 'r'
)

func appendAck(b []byte, verb byte, id string) []byte {
	b = append(b, verb)
	b = binary.AppendUvarint(b, uint64(len(id)))
	return append(b, id...)
}

func unpackAcks(b []byte, fn func(verb byte, id string)) error {
	for len(b) > 0 {
		verb := b[0]
		id, rest, err := field(b[1:])
		if err != nil {
			return err
		}
		fn(verb, string(id))
		b = rest
	}
	return nil
}

// field reads one uvarint-length-prefixed byte string.
func field(b []byte) (val, rest []byte, err error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || uint64(len(b)-k) < n {
		return nil, nil, errShortPack
	}
	return b[k : k+int(n)], b[k+int(n):], nil
}

// appendID packs one id of an OK frame.
func appendID(b []byte, id string) []byte {
	b = binary.AppendUvarint(b, uint64(len(id)))
	return append(b, id...)
}

func unpackIDs(b []byte, fn func(id []byte)) error {
	for len(b) > 0 {
		id, rest, err := field(b)
		if err != nil {
			return err
		}
		fn(id)
		b = rest
	}
	return nil
}
