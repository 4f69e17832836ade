package sdk

import (
	"encoding/json"
	"time"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/sdk/internal/jsonx"
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
			switch {
			case jsonx.Field(key, "config"):
				v, err := d.Raw()
				in.Config = append(json.RawMessage(nil), v...)
				return err
			case jsonx.Field(key, "secrets"):
				return decodeStringMap(d, &in.Secrets)
			case jsonx.Field(key, "context"):
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

func decodeCallContext(d *jsonx.Dec, c *abi.CallContext) error {
	if null, err := d.Null(); err != nil || null {
		return err
	}
	return d.Object(func(key []byte) error {
		var err error
		switch {
		case jsonx.Field(key, "monitor_id"):
			_, err = d.Str(&c.MonitorID)
		case jsonx.Field(key, "monitor_name"):
			_, err = d.Str(&c.MonitorName)
		case jsonx.Field(key, "zone"):
			_, err = d.Str(&c.Zone)
		case jsonx.Field(key, "scheduled_at"):
			err = decodeTime(d, &c.ScheduledAt)
		case jsonx.Field(key, "status"):
			_, err = d.Str(&c.Status)
		case jsonx.Field(key, "previous_status"):
			_, err = d.Str(&c.PreviousStatus)
		case jsonx.Field(key, "message"):
			_, err = d.Str(&c.Message)
		case jsonx.Field(key, "reaction_id"):
			_, err = d.Str(&c.ReactionID)
		case jsonx.Field(key, "reaction_name"):
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
