package host

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host/abi"
)

// The http capability has two request paths: net/http's client, and the
// same-goroutine path for plain fresh-connection http:// requests
// (cap_http_direct.go). These tests run every case on both and compare
// what a plugin gets, field by field.

// pathProbe is a probe whose host takes the direct path or not.
func pathProbe(t *testing.T, direct bool, target string) *capProbe {
	t.Helper()
	m := abi.Manifest{Name: "probe", Capabilities: []string{abi.CapHTTP}, Target: "url"}
	p := newProbe(t, m, map[string]string{"url": target})
	p.st.plugin.h.transport.direct = direct
	t.Cleanup(p.st.plugin.h.transport.close)
	return p
}

// pathResult is what one call gave a plugin.
type pathResult struct {
	resp    abi.HTTPResponse
	err     *abi.HostError
	elapsed time.Duration
}

func callPath(t *testing.T, p *capProbe, ctx context.Context, req abi.HTTPRequest) pathResult {
	t.Helper()
	var r pathResult
	start := time.Now()
	r.err = p.callCtx(t, ctx, abi.CapHTTP, req, &r.resp)
	r.elapsed = time.Since(start)
	return r
}

// comparePaths fails unless the two paths gave the same response (the
// Date header and timing values aside: which timings are present, and
// their order, must agree) or the same kind of error.
func comparePaths(t *testing.T, viaClient, direct pathResult) {
	t.Helper()
	if (viaClient.err == nil) != (direct.err == nil) {
		t.Fatalf("net/http: %v; direct: %v", viaClient.err, direct.err)
	}
	if viaClient.err != nil {
		if viaClient.err.Code != direct.err.Code {
			t.Errorf("error code: net/http %q (%s), direct %q (%s)", viaClient.err.Code, viaClient.err.Message, direct.err.Code, direct.err.Message)
		}
		return
	}
	a, b := viaClient.resp, direct.resp
	for _, r := range []*abi.HTTPResponse{&a, &b} {
		r.Headers = cloneHeaders(r.Headers)
		delete(r.Headers, "Date")
	}
	if a.Status != b.Status || a.Proto != b.Proto {
		t.Errorf("status: net/http %d %s, direct %d %s", a.Status, a.Proto, b.Status, b.Proto)
	}
	if !reflect.DeepEqual(a.Headers, b.Headers) {
		t.Errorf("headers:\nnet/http %v\ndirect   %v", a.Headers, b.Headers)
	}
	if string(a.Body) != string(b.Body) || a.Size != b.Size || a.Truncated != b.Truncated {
		t.Errorf("body: net/http %q size %d truncated %v; direct %q size %d truncated %v", a.Body, a.Size, a.Truncated, b.Body, b.Size, b.Truncated)
	}
	present := func(tm abi.Timing) [4]bool {
		return [4]bool{tm.DNSMS > 0, tm.ConnectMS > 0, tm.TLSMS > 0, tm.FirstByteMS > 0}
	}
	if present(a.Timing) != present(b.Timing) {
		t.Errorf("timings present: net/http %+v, direct %+v", a.Timing, b.Timing)
	}
	for name, tm := range map[string]abi.Timing{"net/http": a.Timing, "direct": b.Timing} {
		if tm.FirstByteMS <= 0 || tm.FirstByteMS > tm.TotalMS || tm.DNSMS+tm.ConnectMS > tm.FirstByteMS {
			t.Errorf("%s: timings out of order: %+v", name, tm)
		}
	}
}

func cloneHeaders(h map[string][]string) map[string][]string {
	c := make(map[string][]string, len(h))
	for k, v := range h {
		c[k] = v
	}
	return c
}

// rawServer answers every connection with serve (for what httptest's
// server will not send: 1xx responses, a close mid-response).
func rawServer(t *testing.T, serve func(c net.Conn, br *bufio.Reader)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				serve(c, bufio.NewReader(c))
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

func TestHTTPPathsAgree(t *testing.T) {
	big := strings.Repeat("0123456789", 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/plain":
			w.Header().Set("X-A", "1")
			w.Header().Add("X-A", "2")
			fmt.Fprint(w, "hello")
		case "/chunked":
			for i := range 3 {
				fmt.Fprintf(w, "part%d;", i)
				w.(http.Flusher).Flush()
			}
		case "/big":
			fmt.Fprint(w, big)
		case "/gzip":
			if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				fmt.Fprint(w, "identity")
				return
			}
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			fmt.Fprint(zw, "zipped body")
			zw.Close()
		case "/echo":
			b, _ := io.ReadAll(r.Body)
			w.Header().Set("X-Method", r.Method)
			w.Header().Set("X-Host", r.Host)
			w.Header().Set("X-Req", strings.Join(r.Header.Values("X-Req"), ","))
			w.Header().Set("X-Conn", r.Header.Get("Connection")+"/"+fmt.Sprint(r.Close))
			w.Header().Set("X-UA", r.Header.Get("User-Agent"))
			w.Header().Set("X-Accept-Encoding", r.Header.Get("Accept-Encoding"))
			w.Header().Set("X-Length", fmt.Sprint(r.ContentLength))
			w.WriteHeader(http.StatusCreated)
			w.Write(b)
		case "/status":
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, "down")
		case "/slow-head":
			select {
			case <-time.After(3 * time.Second):
			case <-r.Context().Done():
			}
		case "/slow-body":
			fmt.Fprint(w, "start;")
			w.(http.Flusher).Flush()
			select {
			case <-time.After(3 * time.Second):
			case <-r.Context().Done():
			}
		}
	}))
	defer srv.Close()
	byName := "http://localhost:" + srv.URL[strings.LastIndex(srv.URL, ":")+1:]

	informational := rawServer(t, func(c net.Conn, br *bufio.Reader) {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		// 100 Continue before the body is read (the client may be
		// waiting for it), then 103 Early Hints, then the response.
		io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\n")
		body, _ := io.ReadAll(req.Body)
		io.WriteString(c, "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n")
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nX-Final: yes\r\n\r\n%s", len(body), body)
	})
	closesEarly := rawServer(t, func(c net.Conn, br *bufio.Reader) {
		_, _ = http.ReadRequest(br) // and close without a word
	})
	closesMidHead := rawServer(t, func(c net.Conn, br *bufio.Reader) {
		_, _ = http.ReadRequest(br)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Le")
	})
	closesMidBody := rawServer(t, func(c net.Conn, br *bufio.Reader) {
		_, _ = http.ReadRequest(br)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")
	})

	type tcase struct {
		name    string
		target  string
		req     abi.HTTPRequest
		callTTL time.Duration // the call's deadline; 20 s when 0
		check   func(t *testing.T, r pathResult)
	}
	wantStatus := func(status int, body string) func(*testing.T, pathResult) {
		return func(t *testing.T, r pathResult) {
			if r.err != nil || r.resp.Status != status || string(r.resp.Body) != body {
				t.Errorf("got %d %q, %v; want %d %q", r.resp.Status, r.resp.Body, r.err, status, body)
			}
		}
	}
	wantErr := func(code, contains string, within time.Duration) func(*testing.T, pathResult) {
		return func(t *testing.T, r pathResult) {
			if r.err == nil || r.err.Code != code || !strings.Contains(r.err.Message, contains) {
				t.Errorf("got %v; want code %q containing %q", r.err, code, contains)
			}
			if within > 0 && r.elapsed > within {
				t.Errorf("took %v; want at most %v", r.elapsed, within)
			}
		}
	}
	cases := []tcase{
		{name: "plain GET, repeated headers", target: srv.URL, req: abi.HTTPRequest{URL: srv.URL + "/plain"}, check: wantStatus(200, "hello")},
		{name: "binary reply", target: srv.URL, req: abi.HTTPRequest{URL: srv.URL + "/plain", Reply: abi.ReplyBinary}, check: wantStatus(200, "hello")},
		{name: "chunked response", target: srv.URL, req: abi.HTTPRequest{URL: srv.URL + "/chunked"}, check: wantStatus(200, "part0;part1;part2;")},
		{name: "HEAD", target: srv.URL, req: abi.HTTPRequest{URL: srv.URL + "/plain", Method: "head"}, check: func(t *testing.T, r pathResult) {
			if r.err != nil || r.resp.Status != 200 || len(r.resp.Body) != 0 || r.resp.Headers["Content-Length"][0] != "5" {
				t.Errorf("HEAD: %+v, %v", r.resp, r.err)
			}
		}},
		{name: "body larger than the cap", target: srv.URL, req: abi.HTTPRequest{URL: srv.URL + "/big", MaxBodyBytes: 10}, check: func(t *testing.T, r pathResult) {
			if r.err != nil || string(r.resp.Body) != big[:10] || r.resp.Size != int64(len(big)) || !r.resp.Truncated {
				t.Errorf("capped body: %q size %d truncated %v, %v", r.resp.Body, r.resp.Size, r.resp.Truncated, r.err)
			}
		}},
		{name: "gzip undone", target: srv.URL, req: abi.HTTPRequest{URL: srv.URL + "/gzip"}, check: func(t *testing.T, r pathResult) {
			if r.err != nil || string(r.resp.Body) != "zipped body" || r.resp.Headers["Content-Encoding"] != nil {
				t.Errorf("gzip: %q %v, %v", r.resp.Body, r.resp.Headers, r.err)
			}
		}},
		{name: "gzip asked by the plugin stays encoded", target: srv.URL, req: abi.HTTPRequest{URL: srv.URL + "/gzip", Headers: map[string][]string{"Accept-Encoding": {"gzip"}}}, check: func(t *testing.T, r pathResult) {
			if r.err != nil || http.Header(r.resp.Headers).Get("Content-Encoding") != "gzip" {
				t.Errorf("gzip asked: %v, %v", r.resp.Headers, r.err)
			}
		}},
		{name: "POST with body, headers and Host override", target: srv.URL, req: abi.HTTPRequest{URL: srv.URL + "/echo", Method: "POST", Body: []byte("payload"),
			Headers: map[string][]string{"X-Req": {"a", "b"}}, Host: "example.test"}, check: func(t *testing.T, r pathResult) {
			h := http.Header(r.resp.Headers)
			if r.err != nil || r.resp.Status != 201 || string(r.resp.Body) != "payload" || h.Get("X-Method") != "POST" ||
				h.Get("X-Host") != "example.test" || h.Get("X-Req") != "a,b" || h.Get("X-Length") != "7" || h.Get("X-Conn") != "close/true" {
				t.Errorf("echo: %d %q %v, %v", r.resp.Status, r.resp.Body, h, r.err)
			}
		}},
		{name: "error status", target: srv.URL, req: abi.HTTPRequest{URL: srv.URL + "/status"}, check: wantStatus(503, "down")},
		{name: "1xx and 100-continue ignored", target: informational, req: abi.HTTPRequest{URL: informational + "/", Method: "PUT", Body: []byte("data"),
			Headers: map[string][]string{"Expect": {"100-continue"}}}, check: func(t *testing.T, r pathResult) {
			if r.err != nil || r.resp.Status != 200 || string(r.resp.Body) != "data" || http.Header(r.resp.Headers).Get("X-Final") != "yes" || http.Header(r.resp.Headers).Get("Link") != "" {
				t.Errorf("1xx: %d %q %v, %v", r.resp.Status, r.resp.Body, r.resp.Headers, r.err)
			}
		}},
		{name: "server closes before answering", target: closesEarly, req: abi.HTTPRequest{URL: closesEarly + "/"}, check: wantErr(abi.ErrCodeFailed, "EOF", 0)},
		{name: "server closes mid-head", target: closesMidHead, req: abi.HTTPRequest{URL: closesMidHead + "/"}, check: wantErr(abi.ErrCodeFailed, "malformed MIME header", 0)},
		{name: "server closes mid-body", target: closesMidBody, req: abi.HTTPRequest{URL: closesMidBody + "/"}, check: wantErr(abi.ErrCodeFailed, "read body: unexpected EOF", 0)},
		{name: "timeout_ms before the response", target: srv.URL, req: abi.HTTPRequest{URL: srv.URL + "/slow-head", TimeoutMS: 150}, check: wantErr(abi.ErrCodeFailed, "context deadline exceeded", 2*time.Second)},
		{name: "timeout_ms during the body", target: srv.URL, req: abi.HTTPRequest{URL: srv.URL + "/slow-body", TimeoutMS: 150}, check: wantErr(abi.ErrCodeFailed, "deadline exceeded", 2*time.Second)},
		{name: "call deadline before the response", target: srv.URL, callTTL: 150 * time.Millisecond, req: abi.HTTPRequest{URL: srv.URL + "/slow-head"}, check: wantErr(abi.ErrCodeFailed, "context deadline exceeded", 2*time.Second)},
		{name: "host name resolved: dns timing", target: byName, req: abi.HTTPRequest{URL: byName + "/plain"}, check: func(t *testing.T, r pathResult) {
			if r.err != nil || r.resp.Status != 200 || r.resp.Timing.DNSMS <= 0 || r.resp.Timing.ConnectMS <= 0 {
				t.Errorf("by name: %d %+v, %v", r.resp.Status, r.resp.Timing, r.err)
			}
		}},
		{name: "nothing listening", target: "http://127.0.0.1:1", req: abi.HTTPRequest{URL: "http://127.0.0.1:1/"}, check: wantErr(abi.ErrCodeFailed, "connection refused", 0)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var results [2]pathResult
			for i, direct := range []bool{false, true} {
				p := pathProbe(t, direct, c.target)
				ttl := c.callTTL
				if ttl == 0 {
					ttl = 20 * time.Second
				}
				ctx, cancel := context.WithTimeout(context.Background(), ttl)
				results[i] = callPath(t, p, ctx, c.req)
				cancel()
				t.Run(fmt.Sprintf("direct=%v", direct), func(t *testing.T) { c.check(t, results[i]) })
			}
			comparePaths(t, results[0], results[1])
		})
	}
}

// A host off the target is denied on the direct path as on the client
// path, before anything is dialled, and the denial is logged with plugin,
// digest and target.
func TestHTTPDirectPathDenied(t *testing.T) {
	var dialled atomic.Int32
	other := rawServer(t, func(c net.Conn, br *bufio.Reader) { dialled.Add(1) })
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer target.Close()
	targetAddr := strings.TrimPrefix(target.URL, "http://")
	otherPort := other[strings.LastIndex(other, ":")+1:]
	for _, direct := range []bool{false, true} {
		p := pathProbe(t, direct, target.URL)
		for _, u := range []string{other + "/", "http://127.0.0.1:" + otherPort + "/", "http://localhost" + targetAddr[strings.LastIndex(targetAddr, ":"):] + "/"} {
			var resp abi.HTTPResponse
			he := p.call(t, abi.CapHTTP, abi.HTTPRequest{URL: u}, &resp)
			wantCode(t, he, abi.ErrCodeDenied)
		}
		log := p.log.String()
		for _, want := range []string{"capability denied", "plugin=probe", "digest=d16e57", "target=" + targetAddr, "capability=http"} {
			if !strings.Contains(log, want) {
				t.Errorf("direct=%v: log lacks %q: %s", direct, want, log)
			}
		}
	}
	time.Sleep(50 * time.Millisecond)
	if n := dialled.Load(); n != 0 {
		t.Errorf("a denied target was dialled %d times", n)
	}
}

// The direct path is taken only where it applies; https, keep-alive and
// followed redirects stay on net/http's client.
func TestHTTPDirectApplies(t *testing.T) {
	for _, c := range []struct {
		direct, keepAlive bool
		scheme            string
		follow, want      bool
	}{
		{true, false, "http", false, true},
		{true, false, "https", false, false},
		{true, false, "http", true, false},
		{true, true, "http", false, false},
		{false, false, "http", false, false},
	} {
		ts := &transports{direct: c.direct, keepAlive: c.keepAlive}
		if got := ts.directApplies(c.scheme, c.follow); got != c.want {
			t.Errorf("%+v: applies %v; want %v", c, got, c.want)
		}
	}
}
