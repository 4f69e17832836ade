package engine

import (
	"testing"
	"time"
)

// Decide is the contract users configure: trigger, frequency and call_on.
func TestDecide(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	failed := func(n int) Counters { return Counters{Status: StatusFailed, FailCount: n} }
	healthy := func(n int) Counters { return Counters{Status: StatusHealthy, SuccessCount: n} }
	r := func(trigger int, freq time.Duration, on CallOn, enabled bool) *Reaction {
		return &Reaction{Trigger: trigger, Frequency: Duration(freq), CallOn: on, Enabled: enabled}
	}
	cases := []struct {
		name    string
		r       *Reaction
		c       Counters
		lastRun time.Time
		fire    bool
		log     bool
	}{
		{"first failure fires", r(1, 0, CallOnFailed, true), failed(1), time.Time{}, true, false},
		{"second failure of the incident does not", r(1, 0, CallOnFailed, true), failed(2), now.Add(-time.Second), false, false},
		{"trigger 3 waits", r(3, 0, CallOnFailed, true), failed(2), time.Time{}, false, false},
		{"trigger 3 fires at 3", r(3, 0, CallOnFailed, true), failed(3), time.Time{}, true, false},
		{"healthy does not fire a failed reaction", r(1, 0, CallOnFailed, true), healthy(1), time.Time{}, false, false},
		{"failed does not fire a healthy reaction", r(1, 0, CallOnHealthy, true), failed(1), time.Time{}, false, false},
		{"both fires on healthy", r(1, 0, CallOnBoth, true), healthy(1), time.Time{}, true, false},
		{"unknown never fires", r(1, 0, CallOnBoth, true), Counters{Status: StatusUnknown}, time.Time{}, false, false},
		{"frequency repeats after it passed", r(1, time.Minute, CallOnFailed, true), failed(9), now.Add(-2 * time.Minute), true, false},
		{"frequency holds back within it", r(1, time.Minute, CallOnFailed, true), failed(9), now.Add(-30 * time.Second), false, false},
		{"run in another zone holds the first firing back", r(1, time.Minute, CallOnFailed, true), failed(1), now.Add(-10 * time.Second), false, true},
		{"disabled is logged once", r(1, 0, CallOnFailed, false), failed(1), time.Time{}, false, true},
		{"disabled is not logged again", r(1, 0, CallOnFailed, false), failed(2), time.Time{}, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Decide(c.r, c.c, c.lastRun, now)
			if d.Fire != c.fire || d.Log != c.log {
				t.Fatalf("Decide = %+v, want fire=%v log=%v", d, c.fire, c.log)
			}
		})
	}
}

func TestCountersApply(t *testing.T) {
	c := Counters{Status: StatusPending}
	steps := []struct {
		s       Status
		changed bool
		run     int
	}{
		{StatusHealthy, true, 1}, {StatusHealthy, false, 2}, {StatusFailed, true, 1},
		{StatusFailed, false, 2}, {StatusUnknown, true, 0}, {StatusFailed, true, 1},
	}
	for i, st := range steps {
		var changed bool
		c, changed = c.Apply(st.s)
		if changed != st.changed || c.Run() != st.run {
			t.Fatalf("step %d (%s): changed=%v run=%d, want %v %d", i, st.s, changed, c.Run(), st.changed, st.run)
		}
	}
}
