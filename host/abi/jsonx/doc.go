// Package jsonx reads and writes JSON without reflection, for the fixed
// shapes of the plugin ABI on the hot path: in the guest (package sdk:
// input, host call requests and responses, output) and on the host
// (package host: the http request, the output).
//
// RATIONALE: in a Go wasip1 guest encoding/json costs ~20× what it costs
// natively (reflection and interface calls compile to slow wasm), about
// 230 µs of an http check. This package is a small validating
// recursive-descent reader that hands out the raw bytes of any value and a
// set of appenders; the codecs in packages sdk and host built on it reproduce
// encoding/json's results exactly (same accepted inputs, same decoded
// values, same output bytes), which their tests check against
// encoding/json itself.
// On the host the gain is smaller (native encoding/json is fast) but real:
// a few µs of reflection per call, against a 1.10× budget.
//
// Not github.com/valyala/fastjson: it cannot return a value's raw bytes
// (the config must reach the author's type exactly as sent, and
// time.Time's UnmarshalJSON must see the raw token to accept what
// encoding/json accepts), and re-marshaling its values quotes strings
// with strconv, whose \x escapes for invalid UTF-8 are not JSON.
package jsonx
