package host

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
)

// The http capability parses the URL once and checks the request it
// sends: a bad URL is a bad request, a host off the target is denied
// (and logged), and a followed redirect must stay on the target while a
// redirect that is not followed comes back as it is.
func TestHTTPCapabilityTargetAndRedirects(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}))
	defer other.Close()
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, other.URL+"/x", http.StatusFound)
		case "/home":
			http.Redirect(w, r, "/ok", http.StatusFound)
		default:
			w.WriteHeader(http.StatusOK)
		}
	}))
	defer target.Close()
	m := abi.Manifest{Name: "probe", Capabilities: []string{abi.CapHTTP}, Target: "url"}
	p := newProbe(t, m, map[string]string{"url": target.URL})

	var resp abi.HTTPResponse
	for _, u := range []string{"ftp://x/", "http://%zz/", "/relative"} {
		he := p.call(t, abi.CapHTTP, abi.HTTPRequest{URL: u}, &resp)
		wantCode(t, he, abi.ErrCodeBadRequest)
		if !strings.Contains(he.Message, "want an absolute http:// or https:// URL") {
			t.Errorf("%s: message %q does not say what is wrong", u, he.Message)
		}
	}
	wantCode(t, p.call(t, abi.CapHTTP, abi.HTTPRequest{URL: target.URL + "/ok", Method: "BAD METHOD"}, &resp), abi.ErrCodeBadRequest)

	wantCode(t, p.call(t, abi.CapHTTP, abi.HTTPRequest{URL: other.URL}, &resp), abi.ErrCodeDenied)
	if !strings.Contains(p.log.String(), "capability denied") {
		t.Errorf("denial not logged: %s", p.log.String())
	}

	for _, c := range []struct {
		path   string
		follow bool
		code   string
		status int
	}{
		{"/away", false, "", http.StatusFound},
		{"/away", true, abi.ErrCodeDenied, 0},
		{"/home", false, "", http.StatusFound},
		{"/home", true, "", http.StatusOK},
	} {
		resp = abi.HTTPResponse{}
		he := p.call(t, abi.CapHTTP, abi.HTTPRequest{URL: target.URL + c.path, FollowRedirects: c.follow, Reply: abi.ReplyBinary, OmitHeaders: true}, &resp)
		wantCode(t, he, c.code)
		if he == nil && resp.Status != c.status {
			t.Errorf("%s follow=%v: status %d; want %d", c.path, c.follow, resp.Status, c.status)
		}
	}
}
