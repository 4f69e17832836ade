package host

import (
	"encoding/json"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/abi/jsonx"
)

// Reflection-free decoding of the two documents every http check makes
// the host read: the guest's http request and its output. Each is
// json.Unmarshal exactly (tested against it); on any error the caller's
// value is decoded again by encoding/json itself, so the error a plugin
// or its user sees is word for word what it was.

// unmarshalHTTPRequest is json.Unmarshal(raw, r) into a zero r.
func unmarshalHTTPRequest(raw []byte, r *abi.HTTPRequest) error {
	d := jsonx.NewDec(raw)
	err := d.Object(func(key []byte) error {
		var err error
		switch jsonx.Lookup(key, httpRequestFields) {
		case 0:
			_, err = d.Str(&r.Method)
		case 1:
			_, err = d.Str(&r.URL)
		case 2:
			err = d.StringSlicesMap(&r.Headers)
		case 3:
			_, err = d.Str(&r.Host)
		case 4:
			err = d.Base64(&r.Body)
		case 5:
			err = d.IntVal(&r.TimeoutMS)
		case 6:
			err = d.IntVal(&r.MaxBodyBytes)
		case 7:
			_, err = d.Boolean(&r.FollowRedirects)
		case 8:
			_, err = d.Boolean(&r.OmitHeaders)
		case 9:
			err = decodeTLS(d, &r.TLS)
		case 10:
			_, err = d.Str(&r.Reply)
		default:
			_, err = d.Raw()
		}
		return err
	})
	if err == nil {
		err = d.End()
	}
	if err != nil {
		*r = abi.HTTPRequest{}
		return json.Unmarshal(raw, r)
	}
	return nil
}

var (
	httpRequestFields = []string{"method", "url", "headers", "host", "body", "timeout_ms", "max_body_bytes", "follow_redirects", "omit_headers", "tls", "reply"}
	tlsFields         = []string{"insecure_skip_verify", "server_name"}
	outputFields      = []string{"status", "message", "metrics"}
)

func decodeTLS(d *jsonx.Dec, t **abi.TLS) error {
	if null, err := d.Null(); err != nil || null {
		*t = nil
		return err
	}
	if d.Kind() == '{' && *t == nil {
		*t = &abi.TLS{}
	}
	return d.Object(func(key []byte) error {
		var err error
		switch jsonx.Lookup(key, tlsFields) {
		case 0:
			_, err = d.Boolean(&(*t).InsecureSkipVerify)
		case 1:
			_, err = d.Str(&(*t).ServerName)
		default:
			_, err = d.Raw()
		}
		return err
	})
}

// unmarshalOutput is json.Unmarshal(raw, o) into a zero o.
func unmarshalOutput(raw []byte, o *abi.Output) error {
	d := jsonx.NewDec(raw)
	var err error
	if null, _ := d.Null(); !null {
		err = d.Object(func(key []byte) error {
			var err error
			switch jsonx.Lookup(key, outputFields) {
			case 0:
				_, err = d.Str(&o.Status)
			case 1:
				_, err = d.Str(&o.Message)
			case 2:
				err = d.FloatMap(&o.Metrics)
			default:
				_, err = d.Raw()
			}
			return err
		})
	}
	if err == nil {
		err = d.End()
	}
	if err != nil {
		*o = abi.Output{}
		return json.Unmarshal(raw, o)
	}
	return nil
}
