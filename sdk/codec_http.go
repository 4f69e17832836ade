package sdk

import (
	"slices"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/abi/jsonx"
)

// appendHTTPRequest is json.Marshal(r) for abi.HTTPRequest without
// reflection (see jsonx), byte for byte.
func appendHTTPRequest(dst []byte, r abi.HTTPRequest) []byte {
	if r.Method != "" {
		dst = append(dst, `{"method":`...)
		dst = appendJSONString(dst, r.Method)
		dst = append(dst, `,"url":`...)
	} else {
		dst = append(dst, `{"url":`...)
	}
	dst = appendJSONString(dst, r.URL)
	if len(r.Headers) > 0 {
		dst = append(dst, `,"headers":`...)
		dst = appendHeaders(dst, r.Headers)
	}
	if r.Host != "" {
		dst = append(dst, `,"host":`...)
		dst = appendJSONString(dst, r.Host)
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
			dst = appendKey(dst, first, "server_name")
			dst = appendJSONString(dst, r.TLS.ServerName)
		}
		dst = append(dst, '}')
	}
	if r.Reply != "" {
		dst = append(dst, `,"reply":`...)
		dst = appendJSONString(dst, r.Reply)
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
		dst = appendKey(dst, i == 0, k)
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
			dst = appendJSONString(dst, v)
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
			err = d.IntVal(&r.Status)
		case 1:
			_, err = d.Str(&r.Proto)
		case 2:
			err = d.StringSlicesMap(&r.Headers)
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
