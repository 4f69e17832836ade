package host

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"slices"
	"strconv"

	"github.com/runbookhq/runbook/host/abi"
)

// appendHTTPResponse is json.Marshal(r) for abi.HTTPResponse without
// reflection, byte for byte (tested against it): every http host call
// returns one, and encoding/json's reflective map and struct walk was a
// visible part of the call's host-side cost.
func appendHTTPResponse(dst []byte, r abi.HTTPResponse) []byte {
	dst = append(dst, `{"status":`...)
	dst = strconv.AppendInt(dst, int64(r.Status), 10)
	if r.Proto != "" {
		dst = append(dst, `,"proto":`...)
		dst = appendJSONString(dst, r.Proto)
	}
	if len(r.Headers) > 0 {
		dst = append(dst, `,"headers":{`...)
		keys := make([]string, 0, len(r.Headers))
		for k := range r.Headers {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, k)
			dst = append(dst, ':')
			vs := r.Headers[k]
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
		dst = append(dst, '}')
	}
	if len(r.Body) > 0 {
		dst = append(dst, `,"body":"`...)
		dst = base64.StdEncoding.AppendEncode(dst, r.Body)
		dst = append(dst, '"')
	}
	dst = append(dst, `,"size":`...)
	dst = strconv.AppendInt(dst, r.Size, 10)
	if r.Truncated {
		dst = append(dst, `,"truncated":true`...)
	}
	dst = append(dst, `,"timing":{`...)
	t := r.Timing
	for _, f := range []struct {
		key string
		v   float64
	}{{`"dns_ms":`, t.DNSMS}, {`"connect_ms":`, t.ConnectMS}, {`"tls_ms":`, t.TLSMS}, {`"first_byte_ms":`, t.FirstByteMS}} {
		if f.v != 0 {
			dst = append(dst, f.key...)
			dst = appendJSONFloat(dst, f.v)
			dst = append(dst, ',')
		}
	}
	dst = append(dst, `"total_ms":`...)
	dst = appendJSONFloat(dst, t.TotalMS)
	return append(dst, "}}"...)
}

// appendJSONString writes s as encoding/json does. Printable ASCII that
// needs no escape (HTML-escaping included) is copied; anything else goes
// through encoding/json itself.
func appendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s) // a string always encodes
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// appendJSONFloat writes a finite float64 as encoding/json does. (The
// host's timings are always finite; NaN or ±Inf would make json.Marshal
// fail, and here write 0, which a guest reads the same as an absent
// timing.)
func appendJSONFloat(dst []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return append(dst, '0')
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9, as encoding/json does
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}
