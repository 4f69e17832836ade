package checkkit

import (
	"errors"
	"fmt"
	"strings"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/sdk"
)

// HostErr is the result of a capability call that returned err: failed
// when the operation ran against the target and failed (refused, timeout,
// handshake error), unknown when it says nothing about the target (denied
// by policy, bad request, unsupported here, not a host error at all).
func HostErr(err error, format string, args ...any) sdk.Output {
	what := fmt.Sprintf(format, args...)
	var he *sdk.HostError
	if errors.As(err, &he) && he.Code == abi.ErrCodeFailed {
		return sdk.Failed("%s: %s", what, he.Message)
	}
	if errors.As(err, &he) {
		return sdk.Unknown("%s: %s (%s)", what, he.Message, he.Code)
	}
	return sdk.Unknown("%s: %v", what, err)
}

// TimeoutMS turns a config's timeout in seconds into milliseconds, with
// def seconds when it is unset.
func TimeoutMS(seconds, def float64) int {
	if seconds <= 0 {
		seconds = def
	}
	return int(seconds * 1000)
}

// CheckTimeout validates a timeout field in seconds.
func CheckTimeout(seconds float64) error {
	if seconds < 0 || seconds > 300 {
		return fmt.Errorf("timeout: %g s: want 0 (default) to 300", seconds)
	}
	return nil
}

// CheckPort validates a port field; 0 means the plugin's default.
func CheckPort(port int) error {
	if port < 0 || port > 65535 {
		return fmt.Errorf("port: %d is not a TCP port", port)
	}
	return nil
}

// Addr joins host and port (or def when port is 0), bracketing IPv6.
func Addr(host string, port, def int) string {
	if port == 0 {
		port = def
	}
	h := host
	for _, c := range host {
		if c == ':' {
			h = "[" + host + "]"
			break
		}
	}
	return fmt.Sprintf("%s:%d", h, port)
}

// CheckHost validates a host field: a name or IP address, without a
// scheme, path or port (ports have their own field).
func CheckHost(host string) error {
	switch {
	case host == "":
		return errors.New("host: required")
	case strings.ContainsAny(host, "/ @?#"):
		return fmt.Errorf("host: %q: want a host name or IP address, not a URL", host)
	case strings.Count(host, ":") == 1:
		return fmt.Errorf("host: %q: put the port in the port field", host)
	}
	return nil
}
