package sdk

import (
	"errors"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
)

type cfg struct {
	URL string `json:"url"`
}

func (c cfg) Validate() error {
	if c.URL == "" {
		return errors.New("url is required")
	}
	return nil
}

func TestDecodeConfigValidates(t *testing.T) {
	if _, err := decodeConfig[cfg]([]byte(`{}`)); err == nil {
		t.Fatal("empty url accepted")
	}
	c, err := decodeConfig[cfg]([]byte(`{"url":"http://x"}`))
	if err != nil || c.URL != "http://x" {
		t.Fatalf("got %+v, %v", c, err)
	}
}

func TestPanicBecomesUnknown(t *testing.T) {
	out := safeCall(abi.KindCheck, func() Output { panic("boom") })
	if out.Status != abi.StatusUnknown || out.Message != "plugin panicked: boom" {
		t.Fatalf("got %+v", out)
	}
	if out := safeCall(abi.KindCheck, func() Output { return Healthy("fine") }); out.Status != abi.StatusHealthy || out.Message != "fine" {
		t.Fatalf("no panic: got %+v", out)
	}
}

func TestHTTPThroughNativeHost(t *testing.T) {
	NativeHost = func(name string, req []byte) ([]byte, error) {
		if name != abi.CapHTTP {
			return []byte(`{"error":{"code":"unknown_capability","message":"no"}}`), nil
		}
		return []byte(`{"result":{"status":204,"size":0,"timing":{"total_ms":1}}}`), nil
	}
	defer func() { NativeHost = nil }()
	resp, err := HTTP(HTTPRequest{URL: "http://x"})
	if err != nil || resp.Status != 204 {
		t.Fatalf("got %+v, %v", resp, err)
	}
	var he *HostError
	if _, err := Now(); !errors.As(err, &he) || he.Code != abi.ErrCodeUnknownCapability {
		t.Fatalf("Now: %v; want the host's error", err)
	}
}

// The binary call, every check's path, is written out in register (not
// built on safeCall): a panicking check still becomes unknown with the
// panic's message, a bad config is reported, and calls after a panic
// still run the check.
func TestBinaryCallPanicBecomesUnknown(t *testing.T) {
	saved := registered
	registered = nil
	defer func() { registered = saved }()
	Check(Manifest{Name: "panicky", Version: "0.0.1"}, func(_ Context, c cfg) Output {
		if c.URL == "http://boom" {
			panic("boom")
		}
		return Healthy("fine %s", c.URL)
	})
	call := func(config string) Output {
		in := abi.AppendInputBinary(nil, abi.Input{Config: []byte(config), Context: abi.CallContext{MonitorID: "m1"}})
		return registered.callBinary(in)
	}
	if out := call(`{"url":"http://boom"}`); out.Status != abi.StatusUnknown || out.Message != "plugin panicked: boom" {
		t.Fatalf("panicking check: got %+v", out)
	}
	if out := call(`{}`); out.Status != abi.StatusUnknown || out.Message != "config: url is required" {
		t.Fatalf("bad config: got %+v", out)
	}
	if out := call(`{"url":"http://x"}`); out.Status != abi.StatusHealthy || out.Message != "fine http://x" {
		t.Fatalf("after a panic: got %+v", out)
	}
}
