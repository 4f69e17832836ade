package engine

import (
	"fmt"
	"time"
)

// Silence is a maintenance window: checks keep running and results are
// recorded, but reactions are suppressed (and logged as silenced).
//
// A one-off silence has Start and End. A recurring one has Weekdays (empty
// = every day), a daily From time ("HH:MM") and a Duration, in Location
// (IANA name, default UTC), and is bounded by Start/End when they are set.
type Silence struct {
	ID       string         `json:"id"`
	Reason   string         `json:"reason,omitempty"`
	Start    time.Time      `json:"start,omitzero"`
	End      time.Time      `json:"end,omitzero"`
	Weekdays []time.Weekday `json:"weekdays,omitempty"`
	From     string         `json:"from,omitempty"`
	Duration Duration       `json:"duration,omitempty"`
	Location string         `json:"location,omitempty"`
}

// Recurring reports whether s repeats daily/weekly.
func (s *Silence) Recurring() bool { return s.From != "" }

// Validate names the field at fault; prefix is the silence's position.
func (s *Silence) Validate(prefix string) FieldErrors {
	var errs FieldErrors
	if !s.Start.IsZero() && !s.End.IsZero() && !s.End.After(s.Start) {
		errs.Add(prefix+".end", "must be after start")
	}
	if s.Recurring() {
		if _, err := time.Parse("15:04", s.From); err != nil {
			errs.Add(prefix+".from", "must be a time of day like 22:30, not %q", s.From)
		}
		if d := s.Duration.D(); d <= 0 || d > 7*24*time.Hour {
			errs.Add(prefix+".duration", "must be between 0 and 168h for a recurring silence")
		}
		if _, err := time.LoadLocation(s.Location); err != nil {
			errs.Add(prefix+".location", "unknown time zone %q", s.Location)
		}
	} else if s.Start.IsZero() || s.End.IsZero() {
		errs.Add(prefix, "a one-off silence needs start and end; a recurring one needs from and duration")
	}
	return errs
}

// Active reports whether t falls inside the silence.
func (s *Silence) Active(t time.Time) bool {
	if !s.Start.IsZero() && t.Before(s.Start) {
		return false
	}
	if !s.End.IsZero() && !t.Before(s.End) {
		return false
	}
	if !s.Recurring() {
		return !s.Start.IsZero() && !s.End.IsZero()
	}
	loc, err := time.LoadLocation(s.Location)
	if err != nil {
		return false
	}
	from, err := time.Parse("15:04", s.From)
	if err != nil {
		return false
	}
	lt := t.In(loc)
	// A window may start on an earlier day and run past midnight: look at
	// windows that opened up to Duration ago.
	for back := 0; back <= int(s.Duration.D()/(24*time.Hour))+1; back++ {
		day := lt.AddDate(0, 0, -back)
		open := time.Date(day.Year(), day.Month(), day.Day(), from.Hour(), from.Minute(), 0, 0, loc)
		if !s.onDay(open.Weekday()) {
			continue
		}
		if !lt.Before(open) && lt.Before(open.Add(s.Duration.D())) {
			return true
		}
	}
	return false
}

func (s *Silence) onDay(d time.Weekday) bool {
	if len(s.Weekdays) == 0 {
		return true
	}
	for _, w := range s.Weekdays {
		if w == d {
			return true
		}
	}
	return false
}

// SilencedAt returns the first silence of m active at t, if any.
func (m *Monitor) SilencedAt(t time.Time) (*Silence, bool) {
	for i := range m.Silences {
		if m.Silences[i].Active(t) {
			return &m.Silences[i], true
		}
	}
	return nil, false
}

func (s Silence) String() string {
	if s.Recurring() {
		return fmt.Sprintf("silence %s: %v from %s for %s", s.ID, s.Weekdays, s.From, s.Duration)
	}
	return fmt.Sprintf("silence %s: %s to %s", s.ID, s.Start.Format(time.RFC3339), s.End.Format(time.RFC3339))
}
