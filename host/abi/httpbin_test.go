package abi

import (
	"bytes"
	"reflect"
	"testing"
)

func TestHTTPResponseBinaryRoundTrip(t *testing.T) {
	tests := []HTTPResponse{
		{},
		{Status: 200, Proto: "HTTP/1.1", Size: 1, Body: []byte("o"), Timing: Timing{ConnectMS: 0.105, FirstByteMS: 0.412, TotalMS: 0.5}},
		{Status: 503, Proto: "HTTP/2.0", Size: 300000, Truncated: true, Body: bytes.Repeat([]byte("x"), 1<<16),
			Headers: map[string][]string{"Content-Type": {"text/plain"}, "Set-Cookie": {"a=1", "b=2"}, "X-Empty": {}},
			Timing:  Timing{DNSMS: 1.5, ConnectMS: 2, TLSMS: 3.25, FirstByteMS: 4, TotalMS: 5.125}},
	}
	for _, want := range tests {
		b := AppendHTTPResponseBinary(nil, want)
		if b[0] != BinaryReplyTag {
			t.Fatalf("first byte %#x; want the tag", b[0])
		}
		var got HTTPResponse
		if err := DecodeHTTPResponseBinary(b, &got); err != nil {
			t.Fatalf("decode %+v: %v", want, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
		}
	}
}

// Anything short, long or mis-tagged is an error, never a panic or a
// partly filled response passed off as whole.
func TestHTTPResponseBinaryRejectsMalformed(t *testing.T) {
	good := AppendHTTPResponseBinary(nil, HTTPResponse{Status: 200, Proto: "HTTP/1.1",
		Headers: map[string][]string{"A": {"b"}}, Body: []byte("body")})
	cases := map[string][]byte{
		"empty":         nil,
		"json envelope": []byte(`{"result":{"status":200}}`),
		"trailing byte": append(append([]byte(nil), good...), 0),
	}
	for n := range len(good) {
		cases["cut at "+string(rune('0'+n%10))+"/"+string(rune('a'+n/10))] = good[:n]
	}
	for name, b := range cases {
		var r HTTPResponse
		if err := DecodeHTTPResponseBinary(b, &r); err == nil {
			t.Errorf("%s: decoded %+v; want an error", name, r)
		}
	}
}

func FuzzDecodeHTTPResponseBinary(f *testing.F) {
	f.Add(AppendHTTPResponseBinary(nil, HTTPResponse{Status: 200, Proto: "HTTP/1.1", Body: []byte("x"),
		Headers: map[string][]string{"K": {"v1", "v2"}}}))
	f.Add([]byte{BinaryReplyTag})
	f.Fuzz(func(t *testing.T, b []byte) {
		var r HTTPResponse
		if DecodeHTTPResponseBinary(b, &r) != nil {
			return
		}
		// Whatever decodes re-encodes to a response that decodes the
		// same (compared encoded: a NaN timing is not DeepEqual to itself).
		enc := AppendHTTPResponseBinary(nil, r)
		var again HTTPResponse
		if err := DecodeHTTPResponseBinary(enc, &again); err != nil || !bytes.Equal(AppendHTTPResponseBinary(nil, again), enc) {
			t.Fatalf("re-encoded %+v decodes to %+v, %v", r, again, err)
		}
	})
}
