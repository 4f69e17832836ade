package checkkit

import (
	"errors"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
)

func TestHostErr(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&abi.HostError{Code: abi.ErrCodeFailed, Message: "refused"}, abi.StatusFailed},
		{&abi.HostError{Code: abi.ErrCodeDenied, Message: "no"}, abi.StatusUnknown},
		{&abi.HostError{Code: abi.ErrCodeUnsupported, Message: "no icmp"}, abi.StatusUnknown},
		{errors.New("host_call failed"), abi.StatusUnknown},
	}
	for _, tt := range tests {
		if got := HostErr(tt.err, "x"); got.Status != tt.want {
			t.Errorf("HostErr(%v) = %+v; want %s", tt.err, got, tt.want)
		}
	}
}

func TestAddr(t *testing.T) {
	for _, tt := range []struct {
		host      string
		port, def int
		want      string
	}{{"a", 0, 443, "a:443"}, {"a", 8443, 443, "a:8443"}, {"::1", 22, 22, "[::1]:22"}} {
		if got := Addr(tt.host, tt.port, tt.def); got != tt.want {
			t.Errorf("Addr(%s, %d) = %s; want %s", tt.host, tt.port, got, tt.want)
		}
	}
}
