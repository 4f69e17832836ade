package host

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"time"
)

// A same-goroutine request path for the common check: a plain http://
// URL, a fresh connection (httpKeepAlive off), no redirects followed, no
// proxy (the host's transports have none). net/http's Transport passes
// every request between three goroutines (caller → writeLoop → readLoop
// → caller); between a guest's calls the woken helper thread parks again,
// so each hand-off costs a futex wake (docs/PERFORMANCE.md, Plugin host,
// rounds 5 and 6). Here the calling goroutine dials, writes and reads, with
// the standard library's own pieces: net.Dialer, Request.Write and
// http.ReadResponse; nothing of HTTP is parsed by hand. Everything else
// (https, keep-alive, redirects) stays on the net/http client.

// httpDirect says whether hosts made afterwards use the direct path where
// it applies. A variable so tests run the same cases on both paths.
var httpDirect = true

// httpDialer is the dialer of both paths, so they connect alike.
var httpDialer = &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}

// maxInformational bounds the 1xx responses skipped before the final one,
// as net/http's transport does (it allows 5).
const maxInformational = 5

// errTooMany1xx is what a server sending endless 1xx responses gets.
var errTooMany1xx = errors.New("too many 1xx informational responses")

// directResponse is a response read on the calling goroutine; Close
// closes its connection.
type directResponse struct {
	*http.Response
	conn net.Conn
	stop func() bool // unregisters the cancellation hook
}

func (d *directResponse) Close() {
	d.stop()
	d.conn.Close()
}

// directDo sends req over a new connection and reads the response head.
// req's context may carry a trace (DNS and connect timings then come from
// the dialer through it, as in the transport; without one the connect is
// timed here) and carries the deadline: the
// connection's deadline is the context's, and cancelling the context
// ends any read or write in progress. tm.firstByte is set at the first
// byte of the response, where the transport's GotFirstResponseByte fires.
// The caller reads the body from the returned response and then closes it.
func directDo(req *http.Request, tm *timing) (*directResponse, error) {
	ctx := req.Context()
	port := req.URL.Port()
	if port == "" {
		port = "80"
	}
	// Without a trace (an IP address: handleHTTP adds none) the connect
	// is timed here; with one, its hooks time DNS and connect.
	untraced := httptrace.ContextClientTrace(ctx) == nil
	if untraced {
		tm.set(&tm.connStart)
	}
	conn, err := httpDialer.DialContext(ctx, "tcp", net.JoinHostPort(req.URL.Hostname(), port))
	if err != nil {
		return nil, ctxErr(ctx, err)
	}
	if untraced {
		tm.set(&tm.connDone)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	// A past deadline unblocks the read or write in progress; the conn
	// stays open until Close, so nothing races with its use.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	d := &directResponse{conn: conn, stop: stop}
	resp, err := directExchange(req, conn, tm)
	if err != nil {
		d.Close()
		return nil, ctxErr(ctx, err)
	}
	d.Response = resp
	return d, nil
}

func directExchange(req *http.Request, conn net.Conn, tm *timing) (*http.Response, error) {
	// As the transport with DisableKeepAlives: "Connection: close", and
	// gzip asked for (and undone) unless the request chose an encoding.
	req.Close = true
	gz := req.Method != http.MethodHead && req.Header.Get("Accept-Encoding") == "" && req.Header.Get("Range") == ""
	if gz {
		req.Header.Set("Accept-Encoding", "gzip")
		defer req.Header.Del("Accept-Encoding") // the caller's request, as it was
	}
	bw := bufio.NewWriterSize(conn, 4<<10)
	if err := req.Write(bw); err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(conn, 4<<10)
	if _, err := br.Peek(1); err != nil {
		return nil, err
	}
	tm.set(&tm.firstByte)
	for n := 0; ; n++ {
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			return nil, err
		}
		// 1xx (100 Continue, 103 Early Hints, ...) precede the response
		// proper and are skipped, as the transport skips them; 101 is final.
		if resp.StatusCode >= 100 && resp.StatusCode < 200 && resp.StatusCode != http.StatusSwitchingProtocols {
			if n >= maxInformational {
				return nil, errTooMany1xx
			}
			continue
		}
		if gz && resp.Body != http.NoBody && strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") {
			resp.Header.Del("Content-Encoding")
			resp.Header.Del("Content-Length")
			resp.ContentLength = -1
			resp.Uncompressed = true
			resp.Body = &gzipBody{src: resp.Body}
		}
		return resp, nil
	}
}

// gzipBody decompresses lazily (the transport's gzipReader does too): a
// HEAD or an empty body never reads a gzip header.
type gzipBody struct {
	src io.ReadCloser
	zr  *gzip.Reader
	err error
}

func (g *gzipBody) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	if g.zr == nil {
		if g.zr, g.err = gzip.NewReader(g.src); g.err != nil {
			return 0, g.err
		}
	}
	return g.zr.Read(p)
}

func (g *gzipBody) Close() error { return g.src.Close() }

// ctxErr reports the context's error when it ended the request, as the
// transport does (a timeout reads "context deadline exceeded", not an
// i/o timeout on a socket the caller never saw).
func ctxErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		// The conn deadline is the context's; its timer may not have
		// fired yet.
		if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
			return context.DeadlineExceeded
		}
	}
	return err
}

// directApplies says whether a request may take the direct path.
func (ts *transports) directApplies(scheme string, followRedirects bool) bool {
	return ts.direct && !ts.keepAlive && scheme == "http" && !followRedirects
}
