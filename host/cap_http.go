package host

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/runbookhq/runbook/host/abi"
)

func init() {
	RegisterCapability(Capability{Name: abi.CapHTTP, Handle: handleHTTP})
}

// maxDrainBytes is how much of an over-cap body is read and thrown away,
// so size and truncated say how much more there was (and a connection
// could be reused, were keep-alive on; see httpKeepAlive).
const maxDrainBytes = 256 << 10

func badURL(raw string) error {
	return badRequest("http: url %q: want an absolute http:// or https:// URL", raw)
}

func handleHTTP(ctx context.Context, env Env, raw json.RawMessage) (any, error) {
	var r abi.HTTPRequest
	if err := unmarshalHTTPRequest(raw, &r); err != nil {
		return nil, badRequest("http: %v", err)
	}
	if r.Reply != "" && r.Reply != "json" && r.Reply != abi.ReplyBinary {
		return nil, badRequest("http: reply %q: want \"json\" or %q", r.Reply, abi.ReplyBinary)
	}
	h := env.st.plugin.h
	if r.TimeoutMS > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(r.TimeoutMS)*time.Millisecond)
		defer cancel()
	}
	method := strings.ToUpper(r.Method)
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if len(r.Body) > 0 {
		body = bytes.NewReader(r.Body)
	}
	var tm timing
	// The URL is parsed once, here, and checked on the request itself
	// (it used to be parsed for the check and again for the request).
	req, err := http.NewRequestWithContext(ctx, method, r.URL, body)
	if err != nil {
		if _, perr := url.Parse(r.URL); perr != nil {
			return nil, badURL(r.URL)
		}
		return nil, badRequest("http: %v", err)
	}
	u := req.URL
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, badURL(r.URL)
	}
	if err := env.CheckAddress(u.Scheme, u.Hostname(), u.Port()); err != nil {
		return nil, err
	}
	for k, vs := range r.Headers {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if r.Host != "" {
		req.Host = r.Host
	}
	direct := h.transport.directApplies(u.Scheme, r.FollowRedirects)
	// The phases come from httptrace hooks, except on the direct path to
	// an IP address: there is no DNS, and directDo times the connect
	// itself, so the request carries no trace (a ClientTrace, seven
	// closures, two contexts and a lock per hook: host glue on every
	// check).
	if !direct || net.ParseIP(u.Hostname()) == nil {
		req = req.WithContext(httptrace.WithClientTrace(ctx, tm.trace()))
	}
	var resp *http.Response
	if direct {
		tm.start = time.Now()
		d, err := directDo(req, &tm)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", method, r.URL, err)
		}
		defer d.Close()
		resp = d.Response
	} else {
		transport, noRedirects := h.transport.get(r.TLS)
		client := noRedirects // shared: nothing of this request in it
		if r.FollowRedirects {
			client = &http.Client{
				Transport: transport,
				CheckRedirect: func(next *http.Request, via []*http.Request) error {
					if len(via) >= 10 {
						return http.ErrUseLastResponse
					}
					// Each hop must stay on the target, or a redirect escapes it.
					return env.CheckAddress(next.URL.Scheme, next.URL.Hostname(), next.URL.Port())
				},
			}
		}
		tm.start = time.Now()
		var err error
		resp, err = client.Do(req)
		if err != nil {
			var he *abi.HostError
			if errors.As(err, &he) {
				return nil, he
			}
			return nil, fmt.Errorf("%s %s: %w", method, r.URL, unwrapURLError(err))
		}
		defer resp.Body.Close()
	}
	limit := h.cfg.MaxHTTPBodyBytes
	if r.MaxBodyBytes > 0 {
		limit = min(r.MaxBodyBytes, limit)
	}
	buf, err := io.ReadAll(io.LimitReader(resp.Body, int64(limit)))
	if err != nil {
		if direct {
			// Its conn says i/o timeout; say what ended it, as the transport does.
			err = ctxErr(ctx, err)
		}
		return nil, fmt.Errorf("%s %s: read body: %w", method, r.URL, err)
	}
	size := int64(len(buf))
	drained, _ := io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrainBytes))
	size += drained
	out := abi.HTTPResponse{
		Status:    resp.StatusCode,
		Proto:     resp.Proto,
		Headers:   resp.Header,
		Body:      buf,
		Size:      size,
		Truncated: drained > 0,
		Timing:    tm.result(),
	}
	if r.OmitHeaders {
		out.Headers = nil
	}
	if r.Reply == abi.ReplyBinary {
		return RawReply(abi.AppendHTTPResponseBinary(make([]byte, 0, 128+len(buf)), out)), nil
	}
	// Encoded here, without reflection: the hottest result of all.
	return EncodedResult(appendHTTPResponse(make([]byte, 0, 256+len(buf)*4/3), out)), nil
}

// unwrapURLError drops url.Error's "Get \"...\":" prefix; we add our own.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// timing records request phases through httptrace.
type timing struct {
	mu                                            sync.Mutex
	start, dnsStart, dnsDone, connStart, connDone time.Time
	tlsStart, tlsDone, firstByte                  time.Time
}

func (t *timing) set(p *time.Time) {
	t.mu.Lock()
	*p = time.Now()
	t.mu.Unlock()
}

func (t *timing) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		DNSStart:             func(httptrace.DNSStartInfo) { t.set(&t.dnsStart) },
		DNSDone:              func(httptrace.DNSDoneInfo) { t.set(&t.dnsDone) },
		ConnectStart:         func(string, string) { t.set(&t.connStart) },
		ConnectDone:          func(string, string, error) { t.set(&t.connDone) },
		TLSHandshakeStart:    func() { t.set(&t.tlsStart) },
		TLSHandshakeDone:     func(tls.ConnectionState, error) { t.set(&t.tlsDone) },
		GotFirstResponseByte: func() { t.set(&t.firstByte) },
	}
}

func (t *timing) result() abi.Timing {
	t.mu.Lock()
	defer t.mu.Unlock()
	ms := func(a, b time.Time) float64 {
		if a.IsZero() || b.IsZero() {
			return 0
		}
		// Microsecond resolution: finer is noise for a network check,
		// and k/1000 prints without strconv's search, in the guest too
		// (jsonx.AppendFloat).
		return float64(b.Sub(a).Round(time.Microsecond)/time.Microsecond) / 1000
	}
	return abi.Timing{
		DNSMS:       ms(t.dnsStart, t.dnsDone),
		ConnectMS:   ms(t.connStart, t.connDone),
		TLSMS:       ms(t.tlsStart, t.tlsDone),
		FirstByteMS: ms(t.start, t.firstByte),
		TotalMS:     ms(t.start, time.Now()),
	}
}

// httpKeepAlive says whether http requests reuse idle connections. They
// do not: every request dials (and handshakes) anew.
//
// RATIONALE: a check must see what a new client sees. Over a reused
// connection it cannot notice a server that stopped accepting (or whose
// accept queue is full), a DNS change that moved the service, or a renewed
// or expired certificate; and its connect_ms and tls_ms are 0. The cost is
// measured (BenchmarkHTTPCheck, docs/PERFORMANCE.md): on loopback a fresh
// connection roughly triples the CPU of a native check; the native
// baseline there dials per check too. Benchmarks may turn it on.
var httpKeepAlive = false

// transports keeps one transport per TLS setting, shared by every plugin
// of a Host.
type transports struct {
	mu sync.Mutex
	m  map[abi.TLS]transportClient
	// keepAlive is httpKeepAlive when the Host was made: transports are
	// made later, on first use, when a benchmark may have set it back.
	keepAlive bool
	// direct is httpDirect when the Host was made (cap_http_direct.go).
	direct bool
}

// transportClient is a transport and the client that uses it without
// following redirects (what most checks ask for), made once: a client
// per request was two allocations and a closure for nothing.
type transportClient struct {
	t      *http.Transport
	client *http.Client
}

func newTransports() *transports {
	return &transports{m: map[abi.TLS]transportClient{}, keepAlive: httpKeepAlive, direct: httpDirect}
}

// noRedirects is the CheckRedirect of the shared clients.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func (ts *transports) get(opt *abi.TLS) (*http.Transport, *http.Client) {
	var key abi.TLS
	if opt != nil {
		key = *opt
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if tc, ok := ts.m[key]; ok {
		return tc.t, tc.client
	}
	t := &http.Transport{
		Proxy:                 nil,                    // checks measure the target, not a proxy
		DialContext:           httpDialer.DialContext, // the direct path's too
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		DisableKeepAlives:     !ts.keepAlive,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig: &tls.Config{
			InsecureSkipVerify: key.InsecureSkipVerify, // the plugin's config asked for it, explicitly
			ServerName:         key.ServerName,         // "" = the URL host, sent as SNI
		},
	}
	tc := transportClient{t: t, client: &http.Client{Transport: t, CheckRedirect: noRedirects}}
	ts.m[key] = tc
	return tc.t, tc.client
}

func (ts *transports) close() {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for _, tc := range ts.m {
		tc.t.CloseIdleConnections()
	}
}
