package sdk

import (
	"slices"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/sdk/internal/jsonx"
)

// appendHTTPRequest is json.Marshal(r) for abi.HTTPRequest without
// reflection (see jsonx), byte for byte.
func appendHTTPRequest(dst []byte, r abi.HTTPRequest) []byte {
	dst = append(dst, '{')
	first := true
	if r.Method != "" {
		dst = jsonx.AppendKey(dst, first, "method")
		dst = jsonx.AppendString(dst, r.Method)
		first = false
	}
	dst = jsonx.AppendKey(dst, first, "url")
	dst = jsonx.AppendString(dst, r.URL)
	if len(r.Headers) > 0 {
		dst = append(dst, `,"headers":`...)
		dst = appendHeaders(dst, r.Headers)
	}
	if r.Host != "" {
		dst = append(dst, `,"host":`...)
		dst = jsonx.AppendString(dst, r.Host)
	}
	if len(r.Body) > 0 {
		dst = append(dst, `,"body":`...)
		dst = jsonx.AppendBase64(dst, r.Body)
	}
	if r.TimeoutMS != 0 {
		dst = append(dst, `,"timeout_ms":`...)
		dst = jsonx.AppendInt(dst, int64(r.TimeoutMS))
	}
	if r.MaxBodyBytes != 0 {
		dst = append(dst, `,"max_body_bytes":`...)
		dst = jsonx.AppendInt(dst, int64(r.MaxBodyBytes))
	}
	if r.FollowRedirects {
		dst = append(dst, `,"follow_redirects":true`...)
	}
	if r.OmitHeaders {
		dst = append(dst, `,"omit_headers":true`...)
	}
	if r.TLS != nil {
		dst = append(dst, `,"tls":{`...)
		first := true
		if r.TLS.InsecureSkipVerify {
			dst = append(dst, `"insecure_skip_verify":true`...)
			first = false
		}
		if r.TLS.ServerName != "" {
			dst = jsonx.AppendKey(dst, first, "server_name")
			dst = jsonx.AppendString(dst, r.TLS.ServerName)
		}
		dst = append(dst, '}')
	}
	return append(dst, '}')
}

func appendHeaders(dst []byte, h map[string][]string) []byte {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		dst = jsonx.AppendKey(dst, i == 0, k)
		vs := h[k]
		if vs == nil {
			dst = append(dst, "null"...)
			continue
		}
		dst = append(dst, '[')
		for j, v := range vs {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = jsonx.AppendString(dst, v)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// decodeHTTPResponse is json.Unmarshal(raw, r) for abi.HTTPResponse
// without reflection (see jsonx).
func decodeHTTPResponse(raw []byte, r *abi.HTTPResponse) error {
	d := jsonx.NewDec(raw)
	err := decodeHTTPResponseFrom(d, r)
	if err == nil {
		err = d.End()
	}
	return err
}

var httpResponseFields = []string{"status", "proto", "headers", "body", "size", "truncated", "timing"}

// decodeHTTPResponseFrom reads one abi.HTTPResponse value from d.
func decodeHTTPResponseFrom(d *jsonx.Dec, r *abi.HTTPResponse) error {
	if null, _ := d.Null(); null {
		return nil
	}
	return d.Object(func(key []byte) error {
		var err error
		switch jsonx.Lookup(key, httpResponseFields) {
		case 0:
			err = decodeInt(d, &r.Status)
		case 1:
			_, err = d.Str(&r.Proto)
		case 2:
			err = decodeHeaders(d, &r.Headers)
		case 3:
			err = d.Base64(&r.Body)
		case 4:
			_, err = d.Int(&r.Size)
		case 5:
			_, err = d.Boolean(&r.Truncated)
		case 6:
			err = decodeTiming(d, &r.Timing)
		default:
			_, err = d.Raw()
		}
		return err
	})
}

func decodeInt(d *jsonx.Dec, v *int) error {
	n := int64(*v)
	_, err := d.Int(&n)
	if err == nil {
		*v = int(n)
	}
	return err
}

func decodeHeaders(d *jsonx.Dec, h *map[string][]string) error {
	if null, err := d.Null(); err != nil || null {
		*h = nil
		return err
	}
	if d.Kind() == '{' && *h == nil {
		*h = map[string][]string{}
	}
	return d.Object(func(key []byte) error {
		var vs []string
		if err := decodeStrings(d, &vs); err != nil {
			return err
		}
		(*h)[string(key)] = vs
		return nil
	})
}

func decodeStrings(d *jsonx.Dec, vs *[]string) error {
	if null, err := d.Null(); err != nil || null {
		*vs = nil
		return err
	}
	if d.Kind() == '[' {
		*vs = []string{} // [] is empty, not nil
	}
	return d.Array(func() error {
		var v string
		_, err := d.Str(&v)
		*vs = append(*vs, v)
		return err
	})
}

var timingFields = []string{"dns_ms", "connect_ms", "tls_ms", "first_byte_ms", "total_ms"}

func decodeTiming(d *jsonx.Dec, t *abi.Timing) error {
	if null, err := d.Null(); err != nil || null {
		return err
	}
	return d.Object(func(key []byte) error {
		var err error
		switch jsonx.Lookup(key, timingFields) {
		case 0:
			_, err = d.Float(&t.DNSMS)
		case 1:
			_, err = d.Float(&t.ConnectMS)
		case 2:
			_, err = d.Float(&t.TLSMS)
		case 3:
			_, err = d.Float(&t.FirstByteMS)
		case 4:
			_, err = d.Float(&t.TotalMS)
		default:
			_, err = d.Raw()
		}
		return err
	})
}
