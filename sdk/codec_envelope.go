package sdk

import (
	"encoding/json"
	"errors"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/abi/jsonx"
)

// decodeEnvelope is json.Unmarshal(raw, &env) for abi.Envelope without
// reflection (see jsonx). The result stays raw for the capability's own
// decoder.
func decodeEnvelope(raw []byte) (abi.Envelope, error) {
	var env abi.Envelope
	d := jsonx.NewDec(raw)
	var err error
	if null, _ := d.Null(); !null {
		err = d.Object(func(key []byte) error {
			switch {
			case jsonx.Field(key, "result"):
				v, err := d.Raw()
				env.Result = append(json.RawMessage(nil), v...)
				return err
			case jsonx.Field(key, "error"):
				return decodeHostError(d, &env.Error)
			}
			_, err := d.Raw()
			return err
		})
	}
	if err == nil {
		err = d.End()
	}
	return env, err
}

func decodeHostError(d *jsonx.Dec, e **abi.HostError) error {
	if null, err := d.Null(); err != nil || null {
		*e = nil
		return err
	}
	if d.Kind() == '{' && *e == nil {
		*e = &abi.HostError{}
	}
	return d.Object(func(key []byte) error {
		var err error
		switch {
		case jsonx.Field(key, "code"):
			_, err = d.Str(&(*e).Code)
		case jsonx.Field(key, "message"):
			_, err = d.Str(&(*e).Message)
		default:
			_, err = d.Raw()
		}
		return err
	})
}

// decodeHTTPResult is the fast path of an http response envelope: exactly
// one "result" key and nothing else, decoded straight into r without
// first copying the result out (as decodeEnvelope must). It reports false
// on anything else (a host error, other or repeated keys, bad JSON);
// the caller then starts over with settle, which yields exactly what the
// general path always did.
func decodeHTTPResult(raw []byte, r *abi.HTTPResponse) bool {
	d := jsonx.NewDec(raw)
	seen := false
	err := d.Object(func(key []byte) error {
		if seen || string(key) != "result" {
			return errNotFast
		}
		seen = true
		return decodeHTTPResponseFrom(d, r)
	})
	return err == nil && seen && d.End() == nil
}

var errNotFast = errors.New("not the fast path")
