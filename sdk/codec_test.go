package sdk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host/abi"
)

// The reflection-free codecs must agree with encoding/json exactly: the
// same documents accepted, the same values decoded, the same bytes
// written. These tests compare them with encoding/json itself.

// tricky strings exercise escaping and UTF-8 coercion both ways.
var tricky = []string{
	"", "a", "ok", `q"uo\te`, "<script>&amp;</script>", "line\nbreak\r\ttab\b\f", "\x00\x1f\x7f",
	"ünïcödé ✓ 𝄞", "\u2028\u2029", "bad \xff\xfe utf8", "\xed\xa0\x80 surrogate bytes", "/slash/",
}

func randString(r *rand.Rand) string {
	if r.IntN(3) == 0 {
		return tricky[r.IntN(len(tricky))]
	}
	b := make([]byte, r.IntN(12))
	for i := range b {
		b[i] = byte(r.IntN(256))
		if r.IntN(2) == 0 {
			b[i] = byte('a' + r.IntN(26))
		}
	}
	return string(b)
}

func randFloat(r *rand.Rand) float64 {
	switch r.IntN(6) {
	case 0:
		return 0
	case 1:
		return float64(r.IntN(1000))
	case 2:
		return r.Float64() * 1e-9
	case 3:
		return -r.Float64() * 1e25
	case 4:
		return math.Copysign(0, -1)
	case 5:
		switch r.IntN(3) {
		case 0: // whole numbers around 2^53, both signs
			return float64(r.Int64N(1<<55) - 1<<54)
		case 1: // short decimals, like the host's timings
			return float64(r.IntN(1e7)) / 1e6
		}
	}
	return r.NormFloat64() * 1000
}

func randHeaders(r *rand.Rand) map[string][]string {
	if r.IntN(3) == 0 {
		return nil
	}
	h := map[string][]string{}
	for range r.IntN(4) {
		var vs []string
		if r.IntN(5) > 0 {
			vs = []string{}
			for range r.IntN(3) {
				vs = append(vs, randString(r))
			}
		}
		h[randString(r)] = vs
	}
	return h
}

func randBytes(r *rand.Rand) []byte {
	switch r.IntN(3) {
	case 0:
		return nil
	case 1:
		return []byte{}
	}
	return []byte(randString(r))
}

func TestAppendOutputMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		o := Output{Status: randString(r), Message: randString(r)}
		if r.IntN(2) == 0 {
			o.Metrics = map[string]float64{}
			for range r.IntN(4) {
				o.Metrics[randString(r)] = randFloat(r)
			}
		}
		want, werr := json.Marshal(o.ABI())
		got, gerr := appendOutput(nil, o)
		if !bytes.Equal(got, want) || (werr == nil) != (gerr == nil) {
			t.Fatalf("case %d %#v:\n got %s, %v\nwant %s, %v", i, o, got, gerr, want, werr)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		_, werr := json.Marshal(abi.Output{Metrics: map[string]float64{"x": f}})
		_, gerr := appendOutput(nil, Output{Metrics: map[string]float64{"x": f}})
		if werr == nil || gerr == nil || werr.Error() != gerr.Error() {
			t.Errorf("%v: got %v; want %v", f, gerr, werr)
		}
	}
}

func TestAppendHTTPRequestMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 3000 {
		req := abi.HTTPRequest{URL: randString(r), Headers: randHeaders(r), Body: randBytes(r)}
		if r.IntN(2) == 0 {
			req.Method, req.Host = randString(r), randString(r)
			req.TimeoutMS, req.MaxBodyBytes = r.IntN(3)*r.IntN(100000)-1, r.IntN(2)
			req.FollowRedirects = r.IntN(2) == 0
			req.OmitHeaders = r.IntN(2) == 0
		}
		if r.IntN(2) == 0 {
			req.TLS = &abi.TLS{InsecureSkipVerify: r.IntN(2) == 0, ServerName: randString(r)}
		}
		want, _ := json.Marshal(req)
		if got := appendHTTPRequest(nil, req); !bytes.Equal(got, want) {
			t.Fatalf("case %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

// variants turns a document encoding/json wrote into ones a careless or
// hostile writer could send: other key case, whitespace, escapes, nulls,
// repeated keys, wrong types, truncation.
func variants(r *rand.Rand, doc []byte) [][]byte {
	s := string(doc)
	out := [][]byte{doc}
	for _, v := range []string{
		strings.ToUpper(s[:min(len(s), 12)]) + s[min(len(s), 12):],
		strings.ReplaceAll(s, ":", " : "),
		strings.ReplaceAll(s, ",", " ,\n\t"),
		strings.ReplaceAll(s, `"a`, `"\u0061`),
		strings.Replace(s, `"status"`, `"ſtatus"`, 1),
		strings.Replace(s, `"secrets"`, `"SECRETS"`, 1),
		strings.Replace(s, `:"`, `:null,"x":"`, 1),
		strings.Replace(s, `{`, `{"context":{"zone":"z"},"secrets":{"k":"v"},"error":{"code":"c"},"headers":{"H":["1"]},"timing":{"dns_ms":1},`, 1),
		strings.Replace(s, `"`, `"x":1,"`, 1),
		strings.Replace(s, `:`, `:[`, 1),
		strings.Replace(s, `1`, `1.0`, 1),
		strings.Replace(s, `1`, `1e2`, 1),
		strings.Replace(s, `"2`, `"x2`, 1),
		s + " ",
		s + "x",
		s[:r.IntN(len(s)+1)],
		"null", "[]", `"x"`, "{}",
	} {
		out = append(out, []byte(v))
	}
	return out
}

// agree decodes doc with encoding/json into a fresh *T and with dec, and
// fails unless both reject it or both produce equal values.
func agree[T any](t *testing.T, doc []byte, dec func([]byte) (T, error)) {
	t.Helper()
	var want T
	werr := json.Unmarshal(doc, &want)
	got, gerr := dec(doc)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("%q: encoding/json says %v, codec says %v", doc, werr, gerr)
	}
	if werr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\n got %#v\nwant %#v", doc, got, want)
	}
}

func decodeHTTP(b []byte) (abi.HTTPResponse, error) {
	var r abi.HTTPResponse
	err := decodeHTTPResponse(b, &r)
	return r, err
}

func TestDecodersMatchEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 1500 {
		in := abi.Input{Config: json.RawMessage(fmt.Sprintf(`{"url":%q,"n":[1,2.5,{"a":null}]}`, randString(r)))}
		if r.IntN(2) == 0 {
			in.Secrets = map[string]string{randString(r): randString(r)}
		}
		in.Context = abi.CallContext{MonitorID: randString(r), Zone: randString(r), Status: randString(r), Message: randString(r)}
		if r.IntN(2) == 0 {
			in.Context.ScheduledAt = time.Unix(r.Int64N(1<<34), r.Int64N(1e9)).UTC()
		}
		doc, _ := json.Marshal(in)
		for _, v := range variants(r, doc) {
			agree(t, v, decodeInput)
		}

		resp := abi.HTTPResponse{Status: r.IntN(600), Proto: randString(r), Headers: randHeaders(r), Body: randBytes(r),
			Size: r.Int64N(1 << 40), Truncated: r.IntN(2) == 0, Timing: abi.Timing{DNSMS: randFloat(r), TotalMS: randFloat(r)}}
		doc, _ = json.Marshal(resp)
		for _, v := range variants(r, doc) {
			agree(t, v, decodeHTTP)
		}

		env := abi.Envelope{Result: doc}
		if r.IntN(2) == 0 {
			env = abi.Envelope{Error: &abi.HostError{Code: randString(r), Message: randString(r)}}
		}
		doc, _ = json.Marshal(env)
		for _, v := range variants(r, doc) {
			agree(t, v, decodeEnvelope)
			sameHTTPReply(t, v)
		}
	}
}

// Hand-picked documents where encoding/json's behaviour is easy to get
// wrong.
func TestDecodersEdgeCases(t *testing.T) {
	for _, doc := range []string{
		`{"config":null}`, `{"config":  {"a" : 1}  }`, `{"secrets":{"a":"1"},"secrets":{"b":"2"}}`,
		`{"secrets":{"a":"1"},"secrets":null}`, `{"secrets":{"a":null}}`, `{"secrets":{"a":1}}`,
		`{"context":{"zone":"a"},"context":{"status":"b"}}`, `{"context":{"scheduled_at":"2026-01-02T03:04:05Z"}}`,
		`{"context":{"scheduled_at":"2026-01-02T03:04:05\u005a"}}`, `{"context":{"scheduled_at":null}}`,
		`{"context":{"scheduled_at":5}}`, `{"context":{"zone":null}}`, `{"CONTEXT":{"ZONE":"k"}}`,
		`{"context":{"\u017eone":"x"}}`, `{"conteXt":{"monitor_ID":"x"}}`, "{\"\u212aonfig\":1}",
		`{"secrets":{"\ud800":"\udc00\ud800x"}}`, `{"secrets":{"k":"\ud83d\ude00"}}`, `{"secrets":{"k":"\uDEAD"}}`,
		`{"a":1,}`, `{"a" 1}`, `[1,]`, `{"a":01}`, `{"a":-}`, `{"a":1.}`, `{"a":.5}`, `{"a":"\x"}`, "{\"a\":\"\t\"}",
		`{"a":tru}`, `{"a":nul}`, ` null `, `nullx`, ``, ` `, `{"a":{"b":[[[[]]]]}}`,
		`{"status":200.0}`, `{"status":-0}`, `{"status":1e2}`, `{"status":9223372036854775808}`, `{"size":"1"}`,
		`{"body":""}`, `{"body":null}`, `{"body":"aGk="}`, `{"body":"aGk"}`, "{\"body\":\"aG\\nk=\"}", `{"body":"!!"}`,
		`{"headers":{"a":[]}}`, `{"headers":{"a":null}}`, `{"headers":{"a":[null,"x"]}}`, `{"headers":{"a":[1]}}`,
		`{"headers":{"a":["1"]},"headers":{"b":["2"]}}`, `{"timing":{"total_ms":1e400}}`, `{"timing":{"total_ms":-1e-400}}`,
		`{"truncated":"true"}`, `{"result":null}`, `{"error":null}`, `{"error":{"code":"a"},"error":{"message":"b"}}`,
		`{"error":{"code":"a"},"error":null}`, `{"result":{"status":1},"error":{"code":"denied","message":"no"}}`,
	} {
		agree(t, []byte(doc), decodeInput)
		agree(t, []byte(doc), decodeEnvelope)
		agree(t, []byte(doc), decodeHTTP)
		sameHTTPReply(t, []byte(doc))
	}
	deep := strings.Repeat("[", 10001) + strings.Repeat("]", 10001)
	agree(t, []byte(`{"config":`+deep+`}`), decodeInput)
	ok := strings.Repeat("[", 9999) + strings.Repeat("]", 9999)
	agree(t, []byte(`{"config":`+ok+`}`), decodeInput)
}

func FuzzDecoders(f *testing.F) {
	for _, s := range []string{`{"config":{"url":"x"},"secrets":{"a":"b"},"context":{"monitor_id":"m","scheduled_at":"2026-01-02T03:04:05Z"}}`,
		`{"result":{"status":200,"proto":"HTTP/1.1","headers":{"A":["b"]},"body":"aGk=","size":2,"timing":{"total_ms":1.5}}}`,
		`{"error":{"code":"denied","message":"no"}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		agree(t, doc, decodeInput)
		agree(t, doc, decodeEnvelope)
		agree(t, doc, decodeHTTP)
		sameHTTPReply(t, doc)
	})
}

// sameHTTPReply checks httpReply (with its one-pass fast path) against the
// general path it replaces: envelope, then result.
func sameHTTPReply(t *testing.T, doc []byte) {
	t.Helper()
	var want abi.HTTPResponse
	werr := settle(abi.CapHTTP, doc, func(b []byte) error { return decodeHTTPResponse(b, &want) })
	got, gerr := httpReply(doc)
	if fmt.Sprint(werr) != fmt.Sprint(gerr) {
		t.Fatalf("%q: httpReply says %v, the general path %v", doc, gerr, werr)
	}
	if werr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\n got %#v\nwant %#v", doc, got, want)
	}
}

func FuzzEncoders(f *testing.F) {
	f.Add("healthy", "status 200", "total_ms", 1.5, "GET", "http://x/", []byte("body"))
	f.Fuzz(func(t *testing.T, status, msg, metric string, v float64, method, url string, body []byte) {
		o := Output{Status: status, Message: msg, Metrics: map[string]float64{metric: v}}
		want, werr := json.Marshal(o.ABI())
		got, gerr := appendOutput(nil, o)
		if !bytes.Equal(got, want) || (werr == nil) != (gerr == nil) {
			t.Fatalf("output:\n got %s %v\nwant %s %v", got, gerr, want, werr)
		}
		req := abi.HTTPRequest{Method: method, URL: url, Body: body, Headers: map[string][]string{metric: {msg, status}}}
		want, _ = json.Marshal(req)
		if got := appendHTTPRequest(nil, req); !bytes.Equal(got, want) {
			t.Fatalf("request:\n got %s\nwant %s", got, want)
		}
	})
}

// parseUTC must agree with time.Time's UnmarshalJSON wherever it
// answers, and answer for what the host writes.
func TestParseUTCMatchesTime(t *testing.T) {
	cases := []string{`"2026-11-26T10:39:28Z"`, `"2026-11-26T10:39:28.123456789Z"`, `"2026-11-26T10:39:28.1Z"`,
		`"2024-02-29T00:00:00Z"`, `"2025-02-29T00:00:00Z"`, `"2026-13-01T00:00:00Z"`, `"2026-11-26T24:00:00Z"`,
		`"2026-11-26T10:39:28.Z"`, `"2026-11-26T10:39:28.1234567890Z"`, `"2026-11-26T10:39:28+01:00"`,
		`"2026-11-26 10:39:28Z"`, `"0000-01-01T00:00:00Z"`, `"9999-12-31T23:59:59.999999999Z"`, `"2026-11-26T10:39:2xZ"`}
	for _, c := range cases {
		var want time.Time
		wantErr := want.UnmarshalJSON([]byte(c))
		got, ok := parseUTC([]byte(c))
		if ok && (wantErr != nil || !got.Equal(want) || got.Location() != want.Location()) {
			t.Errorf("parseUTC(%s) = %v; time says %v, %v", c, got, want, wantErr)
		}
	}
	for _, c := range cases[:3] {
		if _, ok := parseUTC([]byte(c)); !ok {
			t.Errorf("parseUTC(%s) declined what the host writes", c)
		}
	}
}

func FuzzParseUTC(f *testing.F) {
	f.Add(`"2026-11-26T10:39:28.123Z"`)
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseUTC([]byte(s))
		var want time.Time
		if err := want.UnmarshalJSON([]byte(s)); ok && (err != nil || !got.Equal(want)) {
			t.Fatalf("parseUTC(%s) = %v; time says %v, %v", s, got, want, err)
		}
	})
}
