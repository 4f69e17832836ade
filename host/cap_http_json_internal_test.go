package host

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
)

var trickyStrings = []string{"", "HTTP/1.1", "text/html; charset=utf-8", `q"uo\te`, "<a&b>", "tab\there", "\x00\x7f",
	"ünï ✓ 𝄞", "\u2028", "bad \xff utf8", "Content-Type"}

func randStr(r *rand.Rand) string { return trickyStrings[r.IntN(len(trickyStrings))] }

func randTiming(r *rand.Rand) float64 {
	switch r.IntN(5) {
	case 0:
		return 0
	case 1:
		return float64(r.IntN(100))
	case 2:
		return r.Float64() * 1e-8
	case 3:
		return r.Float64() * 1e22
	}
	return r.Float64() * 100
}

func TestAppendHTTPResponseMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for i := range 5000 {
		resp := abi.HTTPResponse{Status: r.IntN(600), Proto: randStr(r), Size: r.Int64N(1 << 40), Truncated: r.IntN(2) == 0,
			Timing: abi.Timing{DNSMS: randTiming(r), ConnectMS: randTiming(r), TLSMS: randTiming(r), FirstByteMS: randTiming(r), TotalMS: randTiming(r)}}
		if r.IntN(2) == 0 {
			resp.Headers = map[string][]string{}
			for range r.IntN(4) {
				var vs []string
				if r.IntN(4) > 0 {
					vs = []string{}
					for range r.IntN(3) {
						vs = append(vs, randStr(r))
					}
				}
				resp.Headers[randStr(r)] = vs
			}
		}
		switch r.IntN(3) {
		case 0:
			resp.Body = []byte{}
		case 1:
			resp.Body = []byte(randStr(r))
		}
		want, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		got := appendHTTPResponse(nil, resp)
		if !bytes.Equal(got, want) {
			t.Fatalf("case %d:\n got %s\nwant %s", i, got, want)
		}
		env, _ := encodeEnvelope(abi.Envelope{Result: got})
		if wantEnv, _ := json.Marshal(abi.Envelope{Result: want}); !bytes.Equal(env, wantEnv) {
			t.Fatalf("envelope:\n got %s\nwant %s", env, wantEnv)
		}
	}
	if got := appendJSONFloat(nil, math.Copysign(0, -1)); string(got) != "-0" {
		t.Errorf("-0 written as %s", got)
	}
}

func TestEncodeEnvelopeMatchesEncodingJSON(t *testing.T) {
	for _, env := range []abi.Envelope{
		{}, {Result: json.RawMessage(`null`)}, {Result: json.RawMessage(`{"unix_nano":1}`)},
		{Error: &abi.HostError{Code: "denied", Message: "<no>"}},
		{Result: json.RawMessage(`1`), Error: &abi.HostError{Code: "failed"}},
	} {
		want, _ := json.Marshal(env)
		got, err := encodeEnvelope(env)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%+v:\n got %s %v\nwant %s", env, got, err, want)
		}
	}
}
