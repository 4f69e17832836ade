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
	var in abi.Input
	d := jsonx.NewDec(raw)
	var err error
	if null, _ := d.Null(); !null {
		err = d.Object(func(key []byte) error {
			switch jsonx.Lookup(key, inputFields) {
			case 0:
				v, err := d.Raw()
				in.Config = append(json.RawMessage(nil), v...)
				return err
			case 1:
				return decodeStringMap(d, &in.Secrets)
			case 2:
				return decodeCallContext(d, &in.Context)
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

func decodeCallContext(d *jsonx.Dec, c *abi.CallContext) error {
	if null, err := d.Null(); err != nil || null {
		return err
	}
	return d.Object(func(key []byte) error {
		var err error
		switch jsonx.Lookup(key, contextFields) {
		case 0:
			_, err = d.Str(&c.MonitorID)
		case 1:
			_, err = d.Str(&c.MonitorName)
		case 2:
			_, err = d.Str(&c.Zone)
		case 3:
			err = decodeTime(d, &c.ScheduledAt)
		case 4:
			_, err = d.Str(&c.Status)
		case 5:
			_, err = d.Str(&c.PreviousStatus)
		case 6:
			_, err = d.Str(&c.Message)
		case 7:
			_, err = d.Str(&c.ReactionID)
		case 8:
			_, err = d.Str(&c.ReactionName)
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
	return t.UnmarshalJSON(v)
}
