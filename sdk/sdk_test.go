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
