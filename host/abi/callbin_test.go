package abi

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestInputBinaryRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 26, 11, 40, 0, 123456789, time.UTC)
	tests := []Input{
		{Config: json.RawMessage{}},
		{Config: json.RawMessage(`{"url":"http://127.0.0.1/"}`), Context: CallContext{MonitorID: "m1", Zone: "eu-1", ScheduledAt: at}},
		{Config: json.RawMessage(`{}`), Secrets: map[string]string{"token": "s3cret", "key": ""},
			Context: CallContext{MonitorID: "m", MonitorName: "api", Zone: "z", Status: "failed", PreviousStatus: "healthy",
				Message: strings.Repeat("é", 300), ReactionID: "r", ReactionName: "page", ScheduledAt: time.Unix(0, 0).UTC()}},
	}
	for _, want := range tests {
		b := AppendInputBinary(nil, want)
		var got Input
		if err := DecodeInputBinary(b, &got, &want.Context); err != nil {
			t.Fatalf("decode %+v: %v", want, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
		}
		var again Input // without a like, the same values
		if err := DecodeInputBinary(b, &again, nil); err != nil || !reflect.DeepEqual(again, want) {
			t.Errorf("without like: %+v, %v", again, err)
		}
	}
}

func TestOutputBinaryRoundTrip(t *testing.T) {
	for _, want := range []Output{
		{Status: StatusHealthy},
		{Status: StatusFailed, Message: "status 503, want one of [200]", Metrics: map[string]float64{"status": 503, "total_ms": 0.412, "neg": -1e300}},
		{Status: "weird", Message: "the host's ValidFor refuses it, not the codec"},
	} {
		b, err := AppendOutputBinary(nil, want)
		if err != nil {
			t.Fatal(err)
		}
		var got Output
		if err := DecodeOutputBinary(b, &got); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("round trip: got %+v, %v; want %+v", got, err, want)
		}
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, err := AppendOutputBinary(nil, Output{Status: StatusHealthy, Metrics: map[string]float64{"x": v}}); err == nil {
			t.Errorf("metric %v encoded; JSON cannot hold it either", v)
		}
	}
	if _, err := AppendOutputBinary(nil, Output{Status: strings.Repeat("s", 256)}); err == nil {
		t.Error("a 256-byte status encoded into a u8 length")
	}
}

// Every cut of a good document, a wrong tag and a trailing byte are
// errors, never a panic or half a document taken as whole.
func TestCallBinaryRejectsMalformed(t *testing.T) {
	in := AppendInputBinary(nil, Input{Config: json.RawMessage(`{"a":1}`), Secrets: map[string]string{"k": "v"},
		Context: CallContext{MonitorID: "m1", ScheduledAt: time.Now()}})
	out, _ := AppendOutputBinary(nil, Output{Status: StatusHealthy, Message: "ok", Metrics: map[string]float64{"a": 1}})
	for n := range len(in) {
		if DecodeInputBinary(in[:n], new(Input), nil) == nil {
			t.Errorf("input cut at %d of %d decoded", n, len(in))
		}
	}
	for n := range len(out) {
		if DecodeOutputBinary(out[:n], new(Output)) == nil {
			t.Errorf("output cut at %d of %d decoded", n, len(out))
		}
	}
	if DecodeInputBinary(append(bytes.Clone(in), 0), new(Input), nil) == nil || DecodeOutputBinary(append(bytes.Clone(out), 0), new(Output)) == nil {
		t.Error("a trailing byte was accepted")
	}
	if DecodeInputBinary(out, new(Input), nil) == nil || DecodeOutputBinary(in, new(Output)) == nil {
		t.Error("a document with the other tag was accepted")
	}
	nan := bytes.Clone(out)
	copy(nan[len(nan)-8:], []byte{0, 0, 0, 0, 0, 0, 0xf8, 0x7f})
	if DecodeOutputBinary(nan, new(Output)) == nil {
		t.Error("a NaN metric was accepted")
	}
}

func FuzzDecodeInputBinary(f *testing.F) {
	f.Add(AppendInputBinary(nil, Input{Config: json.RawMessage(`{"url":"x"}`), Secrets: map[string]string{"k": "v"},
		Context: CallContext{MonitorID: "m1", Zone: "z", ScheduledAt: time.Unix(1, 2)}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		var in Input
		if DecodeInputBinary(b, &in, nil) != nil {
			return
		}
		var again Input
		enc := AppendInputBinary(nil, in)
		if err := DecodeInputBinary(enc, &again, nil); err != nil || !bytes.Equal(AppendInputBinary(nil, again), enc) {
			t.Fatalf("re-encoded %+v decodes to %+v, %v", in, again, err)
		}
	})
}

func FuzzDecodeOutputBinary(f *testing.F) {
	b, _ := AppendOutputBinary(nil, Output{Status: StatusFailed, Message: "m", Metrics: map[string]float64{"a": 1.5}})
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		var o Output
		if DecodeOutputBinary(b, &o) != nil {
			return
		}
		enc, err := AppendOutputBinary(nil, o)
		var again Output
		if err != nil || DecodeOutputBinary(enc, &again) != nil || !reflect.DeepEqual(again, o) {
			t.Fatalf("%+v does not survive re-encoding: %v", o, err)
		}
	})
}
