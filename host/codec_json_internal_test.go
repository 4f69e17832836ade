package host

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
)

// mutants turns a document into ones a careless or hostile guest could
// send instead.
func mutants(r *rand.Rand, doc string) []string {
	out := []string{doc, strings.ToUpper(doc[:min(len(doc), 10)]) + doc[min(len(doc), 10):],
		strings.ReplaceAll(doc, ":", " : "), strings.Replace(doc, `:"`, `:null,"x":"`, 1),
		strings.Replace(doc, `{`, `{"tls":null,"metrics":null,"headers":{"A":["1"]},`, 1),
		strings.Replace(doc, `"`, `"x":[1,{"y":2}],"`, 1), strings.Replace(doc, `:`, `:[`, 1),
		strings.Replace(doc, `1`, `1.5`, 1), strings.Replace(doc, `1`, `1e400`, 1), strings.Replace(doc, `true`, `"true"`, 1),
		doc[:r.IntN(len(doc)+1)], doc + "x", "null", "[]", "{}", `{"tls":{"server_name":"a"},"tls":{"insecure_skip_verify":true}}`,
		`{"metrics":{"a":1},"metrics":{"b":null}}`, `{"metrics":{"a":"1"}}`, `{"headers":{"a":[null,"x"]}}`, `{"body":"aGk"}`}
	return out
}

func sameAsEncodingJSON[T any](t *testing.T, doc string, dec func([]byte, *T) error) {
	t.Helper()
	var want, got T
	werr := json.Unmarshal([]byte(doc), &want)
	gerr := dec([]byte(doc), &got)
	if fmt.Sprint(werr) != fmt.Sprint(gerr) {
		t.Fatalf("%q: encoding/json says %v, decoder %v", doc, werr, gerr)
	}
	if werr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\n got %#v\nwant %#v", doc, got, want)
	}
}

func TestHostDecodersMatchEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for range 2000 {
		req := abi.HTTPRequest{Method: randStr(r), URL: randStr(r), Host: randStr(r), TimeoutMS: r.IntN(5) * 1000,
			MaxBodyBytes: r.IntN(3), FollowRedirects: r.IntN(2) == 0, OmitHeaders: r.IntN(2) == 0}
		if r.IntN(2) == 0 {
			req.Headers = map[string][]string{randStr(r): {randStr(r)}}
			req.Body = []byte(randStr(r))
			req.TLS = &abi.TLS{InsecureSkipVerify: r.IntN(2) == 0, ServerName: randStr(r)}
		}
		doc, _ := json.Marshal(req)
		for _, m := range mutants(r, string(doc)) {
			sameAsEncodingJSON(t, m, unmarshalHTTPRequest)
		}
		out := abi.Output{Status: randStr(r), Message: randStr(r)}
		if r.IntN(2) == 0 {
			out.Metrics = map[string]float64{randStr(r): randTiming(r), "total_ms": float64(r.IntN(1e6)) / 1e3}
		}
		doc, _ = json.Marshal(out)
		for _, m := range mutants(r, string(doc)) {
			sameAsEncodingJSON(t, m, unmarshalOutput)
		}
	}
}
