package sdk

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host/abi"
)

// BenchmarkCallBinaryHTTPCheck runs the SDK's side of one http-status
// style check natively, host answered by NativeHost with a binary
// reply: decode the input, find the config, encode the request, decode
// the reply, build and encode the output. allocs/op is what a wasm
// guest pays about a microsecond each for (docs/PERFORMANCE.md).
func BenchmarkCallBinaryHTTPCheck(b *testing.B) {
	type config struct {
		URL   string `json:"url"`
		Codes []int  `json:"codes,omitempty"`
	}
	defer func(p *plugin) { registered = p }(registered)
	registered = nil
	Check(Manifest{Name: "bench-http", Version: "0.1.0", Capabilities: []string{"http"}, Target: "url"},
		func(_ Context, cfg config) Output {
			resp, err := HTTPValue(HTTPRequest{URL: cfg.URL, MaxBodyBytes: 1, OmitHeaders: true})
			if err != nil {
				return Failed("GET %s: %v", cfg.URL, err)
			}
			out := Healthy("status 200")
			if !slices.Contains([]int{200}, resp.Status) {
				out = Failed("status %d", resp.Status)
			}
			return out.Metric("status", float64(resp.Status)).Metric("total_ms", resp.Timing.TotalMS).
				Metric("first_byte_ms", resp.Timing.FirstByteMS)
		})
	reply := abi.AppendHTTPResponseBinary(nil, abi.HTTPResponse{Status: 200, Proto: "HTTP/1.1", Body: []byte("o"),
		Size: 2, Truncated: true, Timing: abi.Timing{ConnectMS: 0.05, FirstByteMS: 0.2, TotalMS: 0.25}})
	NativeHost = func(string, []byte) ([]byte, error) { return reply, nil }
	defer func() { NativeHost = nil }()
	const monitors = 64
	inputs := make([][]byte, monitors)
	for i := range inputs {
		inputs[i] = abi.AppendInputBinary(nil, abi.Input{
			Config:  json.RawMessage(fmt.Sprintf(`{"url":"http://127.0.0.1:8080/health/m%d"}`, i)),
			Context: abi.CallContext{MonitorID: fmt.Sprint("m", i), Zone: "local", ScheduledAt: time.Now().UTC()}})
	}
	var buf []byte
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		out := registered.callBinary(inputs[i%monitors])
		i++
		var err error
		if buf, err = appendOutputBinary(buf[:0], out); err != nil || out.Status != abi.StatusHealthy {
			b.Fatal(out, err)
		}
	}
}
