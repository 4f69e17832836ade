package bolt

import (
	"bytes"
	"testing"
	"time"
)

func TestTimeKeysSortLikeTimes(t *testing.T) {
	times := []time.Time{
		{}, // zero: clamped, sorts first
		time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(0, -1),
		time.Unix(0, 0),
		time.Unix(0, 1),
		time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC),
		time.Date(2025, 3, 1, 12, 0, 0, 1, time.UTC),
		time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), // clamped, sorts last
	}
	for i := 1; i < len(times); i++ {
		if bytes.Compare(timeKey(times[i-1]), timeKey(times[i])) >= 0 {
			t.Errorf("timeKey(%s) does not sort before timeKey(%s)", times[i-1], times[i])
		}
	}
}

func TestSeqIDs(t *testing.T) {
	cases := []uint64{0, 1, 9, 10, 1 << 40, 1<<64 - 1}
	for i, n := range cases {
		id := seqID(n)
		back, err := parseSeqID(id)
		if err != nil || back != n {
			t.Errorf("parseSeqID(seqID(%d)) = %d, %v", n, back, err)
		}
		if i > 0 && seqID(cases[i-1]) >= id {
			t.Errorf("seqID(%d) does not sort before seqID(%d)", cases[i-1], n)
		}
	}
	for _, bad := range []string{"", "12", "0000000000000000000x", "99999999999999999999"} {
		if _, err := parseSeqID(bad); err == nil {
			t.Errorf("parseSeqID(%q) accepted", bad)
		}
	}
}

func TestPrefixEnd(t *testing.T) {
	cases := []struct{ in, want []byte }{
		{[]byte{0, 3, 'w', 'e', 'b'}, []byte{0, 3, 'w', 'e', 'c'}},
		{[]byte{1, 0xff}, []byte{2}},
		{[]byte{0xff}, nil},
		{nil, nil},
	}
	for _, c := range cases {
		if got := prefixEnd(c.in); !bytes.Equal(got, c.want) {
			t.Errorf("prefixEnd(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
