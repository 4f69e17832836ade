package sdk

import (
	"encoding/json"
	"time"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/abi/jsonx"
)

// decodeInput is json.Unmarshal(raw, &in) for abi.Input without
// reflection (see jsonx): same accepted documents, same values, including
// encoding/json's quirks (case-insensitive keys, null leaves a field
// alone, a repeated object key merges into what the first one set). The
// config stays raw: the author's type decodes it (decodeConfig).
func decodeInput(raw []byte) (abi.Input, error) {
	in, err := decodeInputLike(raw, nil)
	in.Config = append(json.RawMessage(nil), in.Config...)
	return in, err
}

// decodeInputLike is decodeInput for the call path: in.Config aliases
// raw (the config cache copies what it keeps), and context strings equal
// to like's are like's own, so a zone or a monitor id seen in the
// previous call costs no allocation (like may be nil).
//
// RATIONALE: in a Go wasm guest each allocation costs about a
// microsecond, as much as the rest of a small check's own code.
func decodeInputLike(raw []byte, like *abi.CallContext) (abi.Input, error) {
	if like == nil {
		like = &abi.CallContext{}
	}
	var in abi.Input
	d := jsonx.NewDec(raw)
	var err error
	if null, _ := d.Null(); !null {
		err = d.Object(func(key []byte) error {
			switch jsonx.Lookup(key, inputFields) {
			case 0:
				v, err := d.Raw()
				in.Config = v
				return err
			case 1:
				return decodeStringMap(d, &in.Secrets)
			case 2:
				return decodeCallContext(d, &in.Context, like)
			}
			_, err := d.Raw()
			return err
		})
	}
	if err == nil {
		err = d.End()
	}
	return in, err
}

func decodeStringMap(d *jsonx.Dec, m *map[string]string) error {
	if null, err := d.Null(); err != nil || null {
		*m = nil
		return err
	}
	if d.Kind() == '{' && *m == nil {
		*m = map[string]string{}
	}
	return d.Object(func(key []byte) error {
		var v string
		_, err := d.Str(&v)
		if err == nil {
			(*m)[string(key)] = v
		}
		return err
	})
}

var (
	inputFields   = []string{"config", "secrets", "context"}
	contextFields = []string{"monitor_id", "monitor_name", "zone", "scheduled_at", "status", "previous_status", "message", "reaction_id", "reaction_name"}
)

func decodeCallContext(d *jsonx.Dec, c, like *abi.CallContext) error {
	if null, err := d.Null(); err != nil || null {
		return err
	}
	return d.Object(func(key []byte) error {
		var err error
		switch jsonx.Lookup(key, contextFields) {
		case 0:
			_, err = d.StrLike(&c.MonitorID, like.MonitorID)
		case 1:
			_, err = d.StrLike(&c.MonitorName, like.MonitorName)
		case 2:
			_, err = d.StrLike(&c.Zone, like.Zone)
		case 3:
			err = decodeTime(d, &c.ScheduledAt)
		case 4:
			_, err = d.StrLike(&c.Status, like.Status)
		case 5:
			_, err = d.StrLike(&c.PreviousStatus, like.PreviousStatus)
		case 6:
			_, err = d.StrLike(&c.Message, like.Message)
		case 7:
			_, err = d.StrLike(&c.ReactionID, like.ReactionID)
		case 8:
			_, err = d.StrLike(&c.ReactionName, like.ReactionName)
		default:
			_, err = d.Raw()
		}
		return err
	})
}

// decodeTime hands time.Time's UnmarshalJSON the raw token, as
// encoding/json does (so escapes in the string are refused the same way).
func decodeTime(d *jsonx.Dec, t *time.Time) error {
	v, err := d.Raw()
	if err != nil {
		return err
	}
	if ut, ok := parseUTC(v); ok {
		*t = ut
		return nil
	}
	return t.UnmarshalJSON(v)
}

// parseUTC reads the one form the host writes, "2006-01-02T15:04:05Z"
// with an optional fraction of 1-9 digits, quoted: in a wasm guest
// time.Parse is several times the cost of this. Anything else returns
// false, for time.Time's own UnmarshalJSON (tested against it).
func parseUTC(v []byte) (time.Time, bool) {
	n := len(v)
	if n < 22 || v[0] != '"' || v[n-1] != '"' || v[n-2] != 'Z' ||
		v[5] != '-' || v[8] != '-' || v[11] != 'T' || v[14] != ':' || v[17] != ':' {
		return time.Time{}, false
	}
	num := func(i, w int) (int, bool) {
		x := 0
		for _, c := range v[i : i+w] {
			if c < '0' || c > '9' {
				return 0, false
			}
			x = x*10 + int(c-'0')
		}
		return x, true
	}
	year, ok1 := num(1, 4)
	month, ok2 := num(6, 2)
	day, ok3 := num(9, 2)
	hour, ok4 := num(12, 2)
	minute, ok5 := num(15, 2)
	sec, ok6 := num(18, 2)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	nsec := 0
	if frac := v[20 : n-2]; len(frac) > 0 {
		if frac[0] != '.' || len(frac) < 2 || len(frac) > 10 {
			return time.Time{}, false
		}
		f, ok := num(21, len(frac)-1)
		if !ok {
			return time.Time{}, false
		}
		for range 10 - len(frac) {
			f *= 10
		}
		nsec = f
	} else if n != 22 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day { // February 30th and the like: let time say why
		return time.Time{}, false
	}
	return t, true
}
