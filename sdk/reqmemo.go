package sdk

import "unsafe"

// reqMemo remembers the JSON of recent http requests by the identity of
// their strings, so a check that sends the same request every run (the
// URL, method and host strings of a cached config) encodes it once.
//
// RATIONALE: encoding the request was ~4 µs of an http check's ~30 µs
// guest time (docs/PERFORMANCE.md, "Plugin host"). Only requests whose
// every field is a string or a scalar are remembered: strings are
// immutable, so two with the same data pointer and length hold the same
// bytes, and an entry keeps its strings alive, so their memory cannot be
// reused for other text meanwhile. A request with headers, a body or TLS
// options (a map, a slice, a pointer: mutable) is encoded every time.
type reqMemo struct {
	method, url, host, reply string
	timeoutMS, maxBodyBytes  int
	followRedirects          bool
	omitHeaders              bool
	json                     []byte
}

// reqMemos is direct-mapped by the URL's address: enough slots for the
// monitors one pooled instance serves in turn; a collision just encodes
// again.
var (
	reqMemoMu guard
	reqMemos  [128]reqMemo
)

func memoable(r *HTTPRequest) bool {
	return len(r.Headers) == 0 && len(r.Body) == 0 && r.TLS == nil && r.URL != ""
}

func reqSlot(r *HTTPRequest) *reqMemo {
	p := uintptr(unsafe.Pointer(unsafe.StringData(r.URL)))
	return &reqMemos[(p>>4^p>>11)%uintptr(len(reqMemos))]
}

// sameString is string equality by identity: the same bytes in memory.
func sameString(a, b string) bool {
	return len(a) == len(b) && (len(a) == 0 || unsafe.StringData(a) == unsafe.StringData(b))
}

// lookupRequestIf returns the remembered JSON of r, or nil (also when r
// is not memoable).
func lookupRequestIf(r *HTTPRequest) []byte {
	if !memoable(r) {
		return nil
	}
	reqMemoMu.Lock()
	m := reqSlot(r)
	var json []byte
	if m.json != nil && sameString(m.url, r.URL) && sameString(m.method, r.Method) && sameString(m.host, r.Host) &&
		sameString(m.reply, r.Reply) && m.timeoutMS == r.TimeoutMS && m.maxBodyBytes == r.MaxBodyBytes &&
		m.followRedirects == r.FollowRedirects && m.omitHeaders == r.OmitHeaders {
		json = m.json
	}
	reqMemoMu.Unlock()
	return json
}

// rememberRequest stores a copy of r's JSON, in a new array: one handed
// out by lookupRequestIf may still be in use.
func rememberRequest(r *HTTPRequest, json []byte) {
	m := reqMemo{method: r.Method, url: r.URL, host: r.Host, reply: r.Reply, timeoutMS: r.TimeoutMS,
		maxBodyBytes: r.MaxBodyBytes, followRedirects: r.FollowRedirects, omitHeaders: r.OmitHeaders,
		json: append([]byte(nil), json...)}
	reqMemoMu.Lock()
	*reqSlot(r) = m
	reqMemoMu.Unlock()
}
