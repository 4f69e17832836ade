// Package sdk is what a Runbook plugin author imports. A plugin is a Go
// main package built with
//
//	GOOS=wasip1 GOARCH=wasm go build -trimpath -buildvcs=false -buildmode=c-shared -o NAME.wasm .
//
// It declares a manifest and one typed function in an init function; the
// SDK provides the ABI v1 exports (runbook_abi_v1, runbook_manifest,
// runbook_alloc, runbook_call, runbook_call_bin, runbook_validate,
// runbook_input_buffer), decodes the config into
// the author's type, and turns host calls into ordinary Go functions.
// Nothing here touches wasm memory or JSON from the author's side.
//
// A complete check plugin:
//
//	package main
//
//	import (
//		"encoding/json"
//		"errors"
//
//		"github.com/runbookhq/runbook/sdk"
//	)
//
//	type Config struct {
//		URL string `json:"url"`
//	}
//
//	// Validate is optional; the web calls it (through runbook_validate)
//	// before saving a monitor, and the SDK calls it before every check.
//	func (c Config) Validate() error {
//		if c.URL == "" {
//			return errors.New("url is required")
//		}
//		return nil
//	}
//
//	func init() {
//		sdk.Check(sdk.Manifest{
//			Name:         "http-up",
//			Version:      "0.1.0",
//			Description:  "GET a URL; healthy on 200",
//			Config:       json.RawMessage(`{"type":"object","required":["url"],"properties":{"url":{"type":"string"}}}`),
//			Capabilities: []string{"http"},
//			Target:       "url", // the http capability may only reach this URL's host:port
//		}, check)
//	}
//
//	func check(ctx sdk.Context, cfg Config) sdk.Output {
//		resp, err := sdk.HTTP(sdk.HTTPRequest{URL: cfg.URL})
//		if err != nil {
//			return sdk.Failed("GET %s: %v", cfg.URL, err)
//		}
//		if resp.Status != 200 {
//			return sdk.Failed("GET %s: status %d", cfg.URL, resp.Status)
//		}
//		return sdk.Healthy("status 200").Metric("total_ms", resp.Timing.TotalMS)
//	}
//
//	func main() {} // required by Go; never called in a c-shared wasm module
//
// Reactions are the same with sdk.Reaction, returning sdk.OK or sdk.Failed.
//
// The package also compiles natively (linux, darwin) so plugin logic can be
// unit tested with plain `go test`: host calls then go to NativeHost, which
// tests may set. The real sandbox is exercised through host/hosttest.
package sdk
