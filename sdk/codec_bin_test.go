package sdk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host/abi"
)

// The SDK's own binary decoders must accept exactly what abi's accept
// and decode the same values: every prefix, a trailing byte and random
// corruptions of valid documents included.

func TestDecodeHTTPBinaryMatchesABI(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for range 500 {
		resp := abi.HTTPResponse{Status: r.IntN(600), Proto: []string{"HTTP/1.1", "HTTP/2.0", "", "SPDY/9"}[r.IntN(4)],
			Size: r.Int64N(1 << 40), Truncated: r.IntN(2) == 0, Body: randBytes(r),
			Timing: abi.Timing{DNSMS: r.Float64() * 100, ConnectMS: 1.5, TLSMS: 0, FirstByteMS: 2.25, TotalMS: 3}}
		if r.IntN(2) == 0 {
			resp.Headers = randHeaders(r)
		}
		doc := abi.AppendHTTPResponseBinary(nil, resp)
		sameHTTPBinary(t, doc)
		for n := range len(doc) {
			sameHTTPBinary(t, doc[:n])
		}
		sameHTTPBinary(t, append(bytes.Clone(doc), 0))
		for range 20 {
			bad := bytes.Clone(doc)
			bad[r.IntN(len(bad))] = byte(r.IntN(256))
			sameHTTPBinary(t, bad)
		}
	}
}

func sameHTTPBinary(t *testing.T, doc []byte) {
	t.Helper()
	var want abi.HTTPResponse
	got, gerr := decodeHTTPBinary(doc)
	werr := abi.DecodeHTTPResponseBinary(doc, &want)
	if fmt.Sprint(gerr) != fmt.Sprint(werr) {
		t.Fatalf("%x: error %v; abi says %v", doc, gerr, werr)
	}
	if gerr != nil {
		return
	}
	// Timings compared by their bits (a corrupted one may be NaN), the
	// rest as values.
	ge, we := abi.AppendHTTPResponseBinary(nil, got), abi.AppendHTTPResponseBinary(nil, want)
	got.Timing, want.Timing = abi.Timing{}, abi.Timing{}
	if !bytes.Equal(ge, we) || !reflect.DeepEqual(got, want) {
		t.Fatalf("%x:\n got %#v\nwant %#v", doc, got, want)
	}
}

func TestDecodeInputBinaryMatchesABI(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	ids := []string{"", "m1", "a-monitor-id-longer-than-eight", "zone/ü"}
	for range 500 {
		in := abi.Input{Config: json.RawMessage(randString(r)), Context: abi.CallContext{
			MonitorID: ids[r.IntN(len(ids))], MonitorName: randString(r), Zone: ids[r.IntN(len(ids))],
			Status: randString(r), Message: randString(r), ReactionID: ids[r.IntN(len(ids))]}}
		if r.IntN(2) == 0 {
			in.Context.ScheduledAt = time.Unix(0, r.Int64()).UTC()
		}
		if r.IntN(2) == 0 {
			in.Secrets = map[string]string{randString(r): randString(r), "k": "v"}
		}
		like := &abi.CallContext{MonitorID: ids[r.IntN(len(ids))], Zone: ids[r.IntN(len(ids))]}
		doc := abi.AppendInputBinary(nil, in)
		for n := range len(doc) + 1 {
			sameInputBinary(t, doc[:n], like)
		}
		sameInputBinary(t, append(bytes.Clone(doc), 0), nil)
		for range 20 {
			bad := bytes.Clone(doc)
			bad[r.IntN(len(bad))] = byte(r.IntN(256))
			sameInputBinary(t, bad, like)
		}
	}
}

func sameInputBinary(t *testing.T, doc []byte, like *abi.CallContext) {
	t.Helper()
	var want abi.Input
	got, gerr := decodeInputBinary(doc, like)
	werr := abi.DecodeInputBinary(doc, &want, like)
	if fmt.Sprint(gerr) != fmt.Sprint(werr) {
		t.Fatalf("%x: error %v; abi says %v", doc, gerr, werr)
	}
	if gerr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%x:\n got %#v\nwant %#v", doc, got, want)
	}
}

// appendJSONString's word-at-a-time fast path must never let through a
// byte encoding/json escapes: each special byte at each position of
// strings around the word size.
func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	specials := []byte{0x00, 0x1f, '"', '\\', '<', '>', '&', 0x7f, 0x80, 0xe2, 0xff, ' ', '~', '!', '=', '?', '%', 0x21, 0x3d, 0x5b}
	for n := range 20 {
		for pos := range n {
			for _, c := range specials {
				s := []byte(strings.Repeat("a/b:c.d-", 3)[:n])
				s[pos] = c
				sameJSONString(t, string(s))
			}
		}
	}
	for _, s := range append(tricky, "https://example.com:8443/health?x=1", "\u2028 line sep at start", "abcdefg\u2029") {
		sameJSONString(t, s)
	}
}

func sameJSONString(t *testing.T, s string) {
	t.Helper()
	want, _ := json.Marshal(s)
	if got := appendJSONString([]byte("x"), s); string(got) != "x"+string(want) {
		t.Fatalf("%q: got %s; want %s", s, got[1:], want)
	}
}

func TestEqualWordsAndHashWords(t *testing.T) {
	base := []byte(`{"url":"http://127.0.0.1:8080/health","codes":[200,204]}`)
	seen := map[uint64]string{}
	for n := range len(base) + 1 {
		b := base[:n]
		if !equalWords(string(b), b) {
			t.Fatalf("%q not equal to itself", b)
		}
		for i := range n {
			c := bytes.Clone(b)
			c[i] ^= 1
			if equalWords(string(b), c) {
				t.Fatalf("%q equal to %q", b, c)
			}
			if h := hashWords(c); seen[h] != "" && seen[h] != string(c) {
				t.Fatalf("%q and %q hash alike", c, seen[h])
			} else {
				seen[h] = string(c)
			}
		}
		if n > 0 && equalWords(string(b[:n-1]), b) {
			t.Fatalf("lengths %d and %d equal", n-1, n)
		}
	}
}
