package host

import (
	"context"
	"encoding/json"
	"net"
	"strings"
	"time"

	"github.com/runbookhq/runbook/host/abi"
)

// Helpers the network capabilities share: address policy, the calling
// plugin's kind, and per-request timeouts under the call's deadline.

// CheckHostPort splits a host:port address (defaultPort when it has none)
// and allows it only if it is the monitor's target. It returns a
// bad_request or denied HostError otherwise.
func (e Env) CheckHostPort(capName, address, defaultPort string) (host, port string, err error) {
	host, port, err = splitHostPort(address, defaultPort)
	if err != nil {
		return "", "", badRequest("%s: address %q: %v", capName, address, err)
	}
	if err := e.CheckAddress("", host, port); err != nil {
		return "", "", err
	}
	return host, port, nil
}

// CheckHost allows an operation without a port (ICMP) on the target's host.
func (e Env) CheckHost(host string) error {
	t, err := e.st.resolveTarget()
	if err != nil {
		return denied("%v", err)
	}
	return t.allowsHost(host)
}

// Kind is the calling plugin's kind (check or reaction).
func (e Env) Kind() abi.Kind { return e.st.plugin.manifest.Kind }

// ConfigString is the string value of a top-level config field ("" when
// it is absent or not a string).
func (e Env) ConfigString(field string) string {
	if field == "" {
		return ""
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(e.st.config, &obj) != nil {
		return ""
	}
	var s string
	_ = json.Unmarshal(obj[field], &s)
	return s
}

// splitHostPort accepts "host:port", "[v6]:port", or a bare host when a
// default port is given.
func splitHostPort(address, defaultPort string) (string, string, error) {
	if h, p, err := net.SplitHostPort(address); err == nil {
		if h == "" || p == "" {
			return "", "", errEmptyHostPort
		}
		return h, p, nil
	}
	if defaultPort == "" || address == "" || strings.Count(address, ":") == 1 {
		return "", "", errWantHostPort
	}
	return strings.Trim(address, "[]"), defaultPort, nil
}

type addrError string

func (e addrError) Error() string { return string(e) }

const (
	errEmptyHostPort = addrError("host and port must not be empty")
	errWantHostPort  = addrError("want host:port")
)

// requestTimeout bounds one request by timeoutMS when it is set; the
// call's own deadline (already on ctx) always applies too.
func requestTimeout(ctx context.Context, timeoutMS int) (context.Context, context.CancelFunc) {
	if timeoutMS > 0 {
		return context.WithTimeout(ctx, time.Duration(timeoutMS)*time.Millisecond)
	}
	return context.WithCancel(ctx)
}

// ms is a duration in fractional milliseconds, the unit of every timing
// a capability reports.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
