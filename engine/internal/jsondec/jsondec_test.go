package jsondec

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/internal/jsonenc"
)

var jobSeeds = []string{
	`{"id":"m.z.1","monitor_id":"m","zone":"z","check":"fixed","config":{"status":"healthy"},"scheduled_at":"2023-11-14T22:13:20.123Z","timeout":"10s"}`,
	`{"id":"a", "config" : [1, {"x":"}\"]"}], "timeout": 1.5 }`,
	`{"ID":"case"}`, `{"id":null}`, `{"id":"é"}`, `{"id":"a\u0041"}`, `{"id":1}`, `{"config":{"a":}}`,
	`{"id":"x"} {"id":"y"}`, `{"id":"x",}`, `{}`, ` {"id":"x"} `, `{"id":"x","id":"y"}`, `{"timeout":"bad"}`,
	`{"scheduled_at":"2023-11-14 22:13:20Z"}`, `{"extra":true}`, `[]`, ``, `{"id":"\x01"}`,
}

var resultSeeds = []string{
	`{"id":"m.z.1","monitor_id":"m","zone":"z","source":"check","status":"healthy","duration":"250µs","scheduled_at":"2023-11-14T22:13:20.123Z","finished_at":"2023-11-14T22:13:20.124+01:00","plugin":"fixed","digest":"sha256:ab"}`,
	`{"metrics":{"a":1e3,"b":-0.5},"message":"ok"}`, `{"metrics":null}`, `{"metrics":[1]}`, `{"status":"fa\"iled"}`,
	`{"duration":3}`, `{"finished_at":"0001-01-01T00:00:00Z"}`,
}

// The fast path decodes exactly what encoding/json decodes, and errors
// where it errors, for canonical and odd inputs alike.
func TestSameAsEncodingJSON(t *testing.T) {
	at := time.Unix(1_700_000_000, 123_456_789).UTC()
	j := engine.Job{ID: "m.z.1", MonitorID: "m", Zone: "z", Check: "fixed", Version: "1.0.0",
		Config: json.RawMessage(`{"status":"healthy"}`), ScheduledAt: at, Timeout: engine.Duration(10 * time.Second),
		SealedSecrets: "rbsec1:0a0b0c0d:c2VhbGVk+/"}
	jobs := append([]string{string(jsonenc.Job(nil, j))}, jobSeeds...)
	for _, in := range jobs {
		checkJob(t, []byte(in))
	}
	r := engine.Result{ID: "m.z.1", MonitorID: "m", Zone: "z", Source: engine.SourceCheck, Status: engine.StatusFailed,
		Message: "timeout", Metrics: map[string]float64{"ms": 12.5}, Duration: engine.Duration(time.Millisecond),
		ScheduledAt: at, FinishedAt: at.Add(time.Millisecond), Plugin: "http-status", Digest: "d"}
	enc, _ := jsonenc.Result(nil, r)
	for _, in := range append([]string{string(enc)}, resultSeeds...) {
		checkResult(t, []byte(in))
	}
}

func checkJob(t *testing.T, in []byte) {
	t.Helper()
	var got, want engine.Job
	gerr := Job(in, &got)
	werr := json.Unmarshal(in, &want)
	if (gerr == nil) != (werr == nil) || (werr == nil && !reflect.DeepEqual(got, want)) {
		t.Errorf("job %q:\n got %+v %v\nwant %+v %v", in, got, gerr, want, werr)
	}
}

func checkResult(t *testing.T, in []byte) {
	t.Helper()
	var got, want engine.Result
	gerr := Result(in, &got)
	werr := json.Unmarshal(in, &want)
	if (gerr == nil) != (werr == nil) || (werr == nil && !reflect.DeepEqual(got, want)) {
		t.Errorf("result %q:\n got %+v %v\nwant %+v %v", in, got, gerr, want, werr)
	}
}

func FuzzJob(f *testing.F) {
	for _, s := range jobSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) { checkJob(t, in) })
}

func FuzzResult(f *testing.F) {
	for _, s := range resultSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) { checkResult(t, in) })
}
