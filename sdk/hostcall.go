package sdk

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/runbookhq/runbook/host/abi"
)

// HTTPRequest and HTTPResponse are the shapes of the http capability.
type (
	HTTPRequest  = abi.HTTPRequest
	HTTPResponse = abi.HTTPResponse
	TLS          = abi.TLS
)

// HostError is a capability failure: denied, bad request, or the operation
// failed (e.g. connection refused). Use errors.As to read its Code.
type HostError = abi.HostError

// NativeHost answers host calls when the SDK is compiled natively (not for
// wasip1), so plugin logic can be unit tested with plain `go test`. It gets
// the capability name and request JSON and returns the response envelope
// JSON. It is unused inside a real plugin.
var NativeHost func(name string, req []byte) ([]byte, error)

// call sends one host call and decodes its envelope into resp: the
// generic path, with encoding/json for the request and the result.
func call(name string, req, resp any) error {
	body, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("%s: encode request: %w", name, err)
	}
	var decode func([]byte) error
	if resp != nil {
		decode = func(b []byte) error { return json.Unmarshal(b, resp) }
	}
	return exchange(name, body, decode)
}

// exchange sends body to capability name and hands the envelope's result
// to decode (nil: the result is not wanted). The envelope itself is read
// without reflection (codec_envelope.go).
func exchange(name string, body []byte, decode func([]byte) error) error {
	raw, err := hostCall(name, body, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return settle(name, raw, decode)
}

// settle reads a response envelope: the host error, or the result handed
// to decode.
func settle(name string, raw []byte, decode func([]byte) error) error {
	env, err := decodeEnvelope(raw)
	if err != nil {
		return fmt.Errorf("%s: decode response: %w", name, err)
	}
	if env.Error != nil {
		return env.Error
	}
	if decode == nil || len(env.Result) == 0 {
		return nil
	}
	if err := decode(env.Result); err != nil {
		return fmt.Errorf("%s: decode result: %w", name, err)
	}
	return nil
}

// HTTP performs an HTTP request through the host. The URL must be within
// the monitor's target (see Manifest.Target) and the plugin must be granted
// the "http" capability. The call's deadline bounds the request.
//
// Set OmitHeaders when the check does not read resp.Headers: the host
// then leaves them out, which makes the call markedly cheaper. A check
// that runs often may prefer HTTPValue, which allocates less.
func HTTP(req HTTPRequest) (*HTTPResponse, error) {
	resp, err := HTTPValue(req)
	if err != nil {
		return nil, err
	}
	return &resp, nil
}

// HTTPValue is HTTP returning the response by value. With OmitHeaders
// the steady state of a check makes no heap object per call for the
// request or the response (a short body is carved from a shared chunk;
// see carve.go): in a wasm guest each is about a microsecond, plus the
// GC work it brings.
func HTTPValue(req HTTPRequest) (HTTPResponse, error) {
	// The hot path of most checks: no reflection either way
	// (codec_http.go), the request and response in reused buffers
	// (scratch), and a successful reply decoded in one pass.
	// No defer (a call and a record in a wasm guest): a panic in
	// between just leaves the scratch to the GC.
	s := getScratch()
	if req.Reply == "" {
		// Cheaper to read than JSON (abi.ReplyBinary); a host that does
		// not know the field answers JSON, which httpReply also reads.
		req.Reply = abi.ReplyBinary
	}
	body := lookupRequestIf(&req)
	if body == nil {
		body = encodeHTTPRequest(s, &req)
	}
	raw, err := hostCall(abi.CapHTTP, body, s.resp[:0])
	if err != nil {
		putScratch(s)
		return HTTPResponse{}, httpCallError(err)
	}
	s.keep(raw)
	resp, err := httpReply(raw)
	putScratch(s) // nothing decoded aliases raw
	if err != nil {
		return HTTPResponse{}, err
	}
	return resp, nil
}

// encodeHTTPRequest writes req's JSON into s and remembers it when it
// can: the first check of a config, or one with headers or a body. Out
// of line, with httpCallError, so that HTTPValue's usual path is small
// (docs/PERFORMANCE.md, round 8).
//
//go:noinline
func encodeHTTPRequest(s *scratch, req *HTTPRequest) []byte {
	s.req = appendHTTPRequest(s.req[:0], *req)
	if memoable(req) {
		rememberRequest(req, s.req)
	}
	return s.req
}

//go:noinline
func httpCallError(err error) error { return fmt.Errorf("%s: %w", abi.CapHTTP, err) }

// httpReply decodes an http response envelope into resp: in one pass
// when it is binary or a plain JSON result, else through settle, which
// says exactly what is wrong.
func httpReply(raw []byte) (HTTPResponse, error) {
	if len(raw) > 0 && raw[0] == abi.BinaryReplyTag {
		resp, err := decodeHTTPBinary(raw)
		if err != nil {
			return HTTPResponse{}, httpDecodeError(err)
		}
		return resp, nil
	}
	var resp HTTPResponse
	err := httpReplyJSON(raw, &resp)
	return resp, err
}

//go:noinline
func httpDecodeError(err error) error {
	return fmt.Errorf("%s: decode response: %w", abi.CapHTTP, err)
}

// httpReplyJSON is httpReply for a host that answers JSON; out of line
// (docs/PERFORMANCE.md, round 8).
//
//go:noinline
func httpReplyJSON(raw []byte, resp *HTTPResponse) error {
	if decodeHTTPResult(raw, resp) {
		return nil
	}
	*resp = HTTPResponse{}
	return settle(abi.CapHTTP, raw, func(b []byte) error { return decodeHTTPResponse(b, resp) })
}

// Log writes a structured line to the host's log, tagged with the plugin
// and its digest. level is debug, info, warn or error; kv are key, value
// pairs. Logging never fails the call, so errors are dropped.
func Log(level, msg string, kv ...any) {
	fields := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		fields[fmt.Sprint(kv[i])] = kv[i+1]
	}
	_ = call(abi.CapLog, abi.LogRequest{Level: level, Message: msg, Fields: fields}, nil)
}

// Now is the host's wall clock (WASI's clock is also real; this exists for
// languages without one).
func Now() (time.Time, error) {
	var r abi.NowResponse
	if err := call(abi.CapNow, struct{}{}, &r); err != nil {
		return time.Time{}, err
	}
	return time.Unix(0, r.UnixNano), nil
}
