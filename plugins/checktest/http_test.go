package checktest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
)

func httpServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/page":
			w.Write([]byte("<html>status: all systems operational, build 1234</html>"))
		case "/long":
			w.Write([]byte(strings.Repeat(".", 4096) + "needle"))
		case "/api":
			if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || r.Header.Get("X-Token") != "t" {
				http.Error(w, "bad request", http.StatusBadRequest)
				return
			}
			var b strings.Builder
			buf := make([]byte, 512)
			n, _ := r.Body.Read(buf)
			b.Write(buf[:n])
			w.Header().Set("X-Version", "2.3.1")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte(`{"ok":true,"echo":` + b.String() + `}`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestHTTPKeyword(t *testing.T) {
	p := load(t, "http-keyword")
	srv := httpServer(t)
	page := srv.URL + "/page"
	f := false
	tests := []struct {
		name   string
		cfg    obj
		status string
		frag   string
	}{
		{"substring present", obj{"url": page, "keyword": "operational"}, abi.StatusHealthy, "found"},
		{"substring missing", obj{"url": page, "keyword": "outage"}, abi.StatusFailed, "not found"},
		{"regex present", obj{"url": page, "keyword": `build \d+`, "regex": true}, abi.StatusHealthy, "found"},
		{"regex missing", obj{"url": page, "keyword": `build [a-z]+`, "regex": true}, abi.StatusFailed, "not found"},
		{"absent wanted, absent", obj{"url": page, "keyword": "outage", "present": f}, abi.StatusHealthy, "absent"},
		{"absent wanted, present", obj{"url": page, "keyword": "operational", "present": f}, abi.StatusFailed, "want it absent"},
		{"beyond the size cap", obj{"url": srv.URL + "/long", "keyword": "needle", "max_body_bytes": 1024}, abi.StatusFailed, "first 1024 bytes"},
		{"within the size cap", obj{"url": srv.URL + "/long", "keyword": "needle"}, abi.StatusHealthy, "found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { p.Expect(t, tt.cfg, nil, tt.status, tt.frag) })
	}
	t.Run("validate", func(t *testing.T) {
		p.Invalid(t, obj{"url": page}, "keyword")
		p.Invalid(t, obj{"url": "ftp://x", "keyword": "a"}, "url")
		p.Invalid(t, obj{"url": page, "keyword": "(", "regex": true}, "keyword")
		p.Invalid(t, obj{"url": page, "keyword": "a", "max_body_bytes": 2 << 20}, "max_body_bytes")
		p.Valid(t, obj{"url": page, "keyword": "a"})
	})
}

func TestHTTPPost(t *testing.T) {
	p := load(t, "http-post")
	srv := httpServer(t)
	api := srv.URL + "/api"
	hdr := obj{"X-Token": "t"}
	tests := []struct {
		name   string
		cfg    obj
		status string
		frags  []string
	}{
		{"all expectations met", obj{"url": api, "payload": `{"ping":1}`, "headers": hdr, "codes": []int{201},
			"body_regex": `"echo":\{"ping":1\}`, "expected_headers": obj{"X-Version": `^2\.`, "Content-Type": "json"}}, abi.StatusHealthy, []string{"201"}},
		{"default code 200 not met", obj{"url": api, "payload": `{}`, "headers": hdr}, abi.StatusFailed, []string{"status 201, want one of [200]"}},
		{"server refuses without header", obj{"url": api, "payload": `{}`, "codes": []int{201}}, abi.StatusFailed, []string{"status 400"}},
		{"body and header both wrong, both reported", obj{"url": api, "payload": `{}`, "headers": hdr, "codes": []int{201},
			"body_regex": "nope", "expected_headers": obj{"X-Version": `^3\.`}}, abi.StatusFailed, []string{`body does not match "nope"`, `header X-Version "2.3.1"`}},
		{"missing header", obj{"url": api, "payload": `{}`, "headers": hdr, "codes": []int{201}, "expected_headers": obj{"X-Absent": "."}}, abi.StatusFailed, []string{"X-Absent"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { p.Expect(t, tt.cfg, nil, tt.status, tt.frags...) })
	}
	t.Run("validate", func(t *testing.T) {
		p.Invalid(t, obj{"url": api, "body_regex": "("}, "body_regex")
		p.Invalid(t, obj{"url": api, "expected_headers": obj{"X": "("}}, "expected_headers")
		p.Invalid(t, obj{"url": api, "codes": []int{42}}, "codes")
		p.Valid(t, obj{"url": api, "payload": "{}"})
	})
}
