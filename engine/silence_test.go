package engine

import (
	"testing"
	"time"
)

func TestSilenceActive(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	oneOff := Silence{ID: "deploy", Start: utc("2026-11-26T10:00:00Z"), End: utc("2026-11-26T11:00:00Z")}
	nightly := Silence{ID: "backup", From: "23:30", Duration: Duration(time.Hour), Location: "UTC"}
	weekend := Silence{ID: "weekend", Weekdays: []time.Weekday{time.Saturday}, From: "00:00", Duration: Duration(48 * time.Hour), Location: "UTC"}
	berlin := Silence{ID: "berlin", From: "09:00", Duration: Duration(time.Hour), Location: "Europe/Berlin"}
	cases := []struct {
		s    Silence
		at   string
		want bool
	}{
		{oneOff, "2026-11-26T09:59:59Z", false},
		{oneOff, "2026-11-26T10:00:00Z", true},
		{oneOff, "2026-11-26T11:00:00Z", false},
		{nightly, "2026-11-26T23:45:00Z", true},
		{nightly, "2026-11-27T00:15:00Z", true}, // past midnight
		{nightly, "2026-11-27T00:31:00Z", false},
		{weekend, "2026-11-29T12:00:00Z", true},  // Sunday, inside Saturday's 48h
		{weekend, "2026-11-30T00:00:00Z", false}, // Monday
		{berlin, "2026-11-26T08:30:00Z", true},   // 09:30 in Berlin (CET)
		{berlin, "2026-11-26T09:30:00Z", false},
	}
	for _, c := range cases {
		if got := c.s.Active(utc(c.at)); got != c.want {
			t.Errorf("%s at %s: active=%v, want %v", c.s.ID, c.at, got, c.want)
		}
	}
}

func TestSilenceValidateNamesField(t *testing.T) {
	m := Monitor{ID: "m", Name: "m", Check: "c", Interval: Duration(time.Minute), Zones: []string{"z"},
		Silences: []Silence{{From: "25:00", Duration: Duration(time.Hour)}, {}}}
	m.Normalize()
	err := m.Validate()
	fes, ok := AsFieldErrors(err)
	if !ok {
		t.Fatalf("want field errors, got %v", err)
	}
	want := map[string]bool{"silences[0].from": false, "silences[1]": false}
	for _, fe := range fes {
		if _, ok := want[fe.Field]; ok {
			want[fe.Field] = true
		}
	}
	for f, seen := range want {
		if !seen {
			t.Errorf("no error names %s: %v", f, err)
		}
	}
}
