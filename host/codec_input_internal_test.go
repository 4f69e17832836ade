package host

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host/abi"
)

// marshalInput must write exactly what json.Marshal writes: the guest's
// config cache is keyed by the config's bytes, and the SDK's decoder is
// tested against encoding/json's output.
func TestMarshalInputMatchesEncodingJSON(t *testing.T) {
	at := time.Date(2026, 11, 26, 10, 39, 28, 123456789, time.UTC)
	tests := []abi.Input{
		{},
		{Config: json.RawMessage(`{"url":"http://127.0.0.1:8080/health"}`)},
		{Config: json.RawMessage(`{ "url" : "http://a/<b>&c" }`)}, // compacted and escaped
		{Config: json.RawMessage("{\"s\":\"\u2028\"}")},
		{Config: json.RawMessage(`null`), Secrets: map[string]string{"b": "2", "a": "<1>"}},
		{Config: json.RawMessage(`{}`), Context: abi.CallContext{
			MonitorID: "m1", MonitorName: "api \"prod\"", Zone: "eu-1", ScheduledAt: at,
			Status: "failed", PreviousStatus: "healthy", Message: "status 503\n",
			ReactionID: "r1", ReactionName: "page"}},
		{Context: abi.CallContext{ScheduledAt: at.In(time.FixedZone("x", 3600))}},
		{Context: abi.CallContext{ScheduledAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{Context: abi.CallContext{Message: "bad utf8 \xff"}},
	}
	for _, in := range tests {
		want, wantErr := json.Marshal(in)
		got, err := marshalInput(in)
		if (err != nil) != (wantErr != nil) || string(got) != string(want) {
			t.Errorf("marshalInput(%+v)\n got %s, %v\nwant %s, %v", in, got, err, want, wantErr)
		}
	}
}

func FuzzMarshalInput(f *testing.F) {
	f.Add(`{"url":"http://x"}`, "m1", "msg", int64(0))
	f.Add(` [1, 2]`, "", "<&>", int64(1764153568123456789))
	f.Fuzz(func(t *testing.T, config, id, msg string, unixNano int64) {
		in := abi.Input{Config: json.RawMessage(config), Context: abi.CallContext{MonitorID: id, Message: msg}}
		if unixNano != 0 {
			in.Context.ScheduledAt = time.Unix(0, unixNano).UTC()
		}
		want, wantErr := json.Marshal(in)
		got, err := marshalInput(in)
		if (err != nil) != (wantErr != nil) || string(got) != string(want) {
			t.Fatalf("marshalInput(%q)\n got %s, %v\nwant %s, %v", config, got, err, want, wantErr)
		}
	})
}
