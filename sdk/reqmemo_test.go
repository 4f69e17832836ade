package sdk

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
)

// Whatever the memo remembers, the host must get exactly the request
// the plugin made: requests drawn from a few shared strings (so the
// memo hits) and from equal strings at other addresses, scalars changed
// under the same URL, and requests the memo must not keep (headers,
// body, TLS).
func TestHTTPRequestMemoSendsTheRequestMade(t *testing.T) {
	var sent []byte
	reply := abi.AppendHTTPResponseBinary(nil, abi.HTTPResponse{Status: 200})
	NativeHost = func(_ string, req []byte) ([]byte, error) {
		sent = append(sent[:0], req...)
		return reply, nil
	}
	defer func() { NativeHost = nil }()
	urls := []string{"http://a:1/x", "http://b:2/health?q=1", "https://c/"}
	methods := []string{"", "GET", "POST"}
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 3000 {
		req := HTTPRequest{URL: urls[r.IntN(len(urls))], Method: methods[r.IntN(len(methods))],
			TimeoutMS: r.IntN(3) * 1000, MaxBodyBytes: r.IntN(2), OmitHeaders: r.IntN(2) == 0, FollowRedirects: r.IntN(4) == 0}
		switch r.IntN(8) {
		case 0: // the same text at another address
			req.URL = strings.Clone(req.URL)
		case 1:
			req.Headers = map[string][]string{"X-N": {string(rune('a' + r.IntN(3)))}}
		case 2:
			req.Body = []byte{byte('a' + r.IntN(3))}
		case 3:
			req.TLS = &TLS{InsecureSkipVerify: r.IntN(2) == 0}
		case 4:
			req.Host = []string{"", "v.example"}[r.IntN(2)]
		}
		if _, err := HTTPValue(req); err != nil {
			t.Fatal(err)
		}
		want := req
		want.Reply = abi.ReplyBinary
		if w := appendHTTPRequest(nil, want); !bytes.Equal(sent, w) {
			t.Fatalf("request %d %+v:\nsent %s\nwant %s", i, req, sent, w)
		}
	}
}

// A worker's instance serves many monitors in turn, each config's URL a
// string of its own: once each has been sent, the memo must hold them
// all (it used to drop a third of 64, which then re-encoded and
// allocated on every check).
func TestHTTPRequestMemoHoldsAWorkersMonitors(t *testing.T) {
	misses, total := 0, 0
	for round := range 20 {
		reqMemos = [reqMemoSets][2]reqMemo{}
		reqs := make([]HTTPRequest, 64)
		for i := range reqs {
			reqs[i] = HTTPRequest{URL: strings.Clone("http://127.0.0.1:8080/health/m" + strings.Repeat("x", round) + string(rune('a'+i%26)) + string(rune('a'+i/26))),
				MaxBodyBytes: 1, OmitHeaders: true, Reply: abi.ReplyBinary}
			rememberRequest(&reqs[i], appendHTTPRequest(nil, reqs[i]))
		}
		for i := range reqs {
			total++
			if lookupRequestIf(&reqs[i]) == nil {
				misses++
			}
		}
	}
	if misses*100 > total {
		t.Fatalf("%d of %d requests not remembered after one round; want under 1%%", misses, total)
	}
}
