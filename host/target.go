package host

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/runbookhq/runbook/host/abi"
)

// target is the one network address a call may reach: the host and port
// of the config field the manifest names. port "" means any port (the
// field held a bare host name and the manifest names no port field).
type target struct {
	host, port string
	// jump is the SSH jump host the config names in the manifest's
	// SSHJump field (zero when it names none); only the ssh capability's
	// first hop may reach it.
	jump jumpHost
}

// jumpHost is an SSH jump host: always a host and a port.
type jumpHost struct {
	host, port string
}

// targetOf reads the manifest's target field (and port field, when it
// names one) out of the call's config.
func targetOf(m abi.Manifest, config json.RawMessage) (target, error) {
	field := m.Target
	if field == "" {
		return target{}, errors.New("plugin manifest names no target field, so it may not reach the network")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(config, &obj); err != nil {
		return target{}, fmt.Errorf("config: %w", err)
	}
	var v string
	if err := json.Unmarshal(obj[field], &v); err != nil || v == "" {
		return target{}, fmt.Errorf("config field %q (the monitor's target) is missing or not a string", field)
	}
	t, err := parseTarget(v)
	if err != nil {
		return t, err
	}
	if t.jump, err = jumpOf(m, obj); err != nil {
		return target{}, err
	}
	if m.TargetPort == "" {
		return t, nil
	}
	port, err := portField(obj, m.TargetPort, "the target's port")
	if err != nil {
		return target{}, err
	}
	switch {
	case port == "" && t.port == "" && m.TargetDefaultPort > 0:
		port = strconv.Itoa(m.TargetDefaultPort)
	case port == "" && t.port == "":
		return target{}, fmt.Errorf("config field %q (the target's port) is missing", m.TargetPort)
	case port == "":
		port = t.port // "host:port" in the host field and no port field
	case t.port != "" && t.port != port:
		// Two ports for one target: refuse rather than guess which one
		// the user meant (and which one the policy should allow).
		return target{}, fmt.Errorf("config fields %q (%s) and %q (%s) name different ports", field, v, m.TargetPort, port)
	}
	t.port = port
	return t, nil
}

// jumpOf reads the SSH jump host out of the config: the manifest's
// SSHJump field (host or host:port) and SSHJumpPort field, port 22 when
// neither gives one. An absent or empty jump field is no jump host.
func jumpOf(m abi.Manifest, obj map[string]json.RawMessage) (jumpHost, error) {
	if m.SSHJump == "" {
		return jumpHost{}, nil
	}
	raw, ok := obj[m.SSHJump]
	if !ok || string(raw) == "null" {
		return jumpHost{}, nil
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return jumpHost{}, fmt.Errorf("config field %q (the SSH jump host) is not a string", m.SSHJump)
	}
	if v == "" {
		return jumpHost{}, nil
	}
	if strings.Contains(v, "://") {
		return jumpHost{}, fmt.Errorf("config field %q (the SSH jump host): %q: want host or host:port", m.SSHJump, v)
	}
	j := jumpHost{host: normHost(strings.Trim(v, "[]"))}
	if h, p, err := net.SplitHostPort(v); err == nil {
		j = jumpHost{host: normHost(h), port: p}
	}
	port := ""
	if m.SSHJumpPort != "" {
		p, err := portField(obj, m.SSHJumpPort, "the SSH jump host's port")
		if err != nil {
			return jumpHost{}, err
		}
		port = p
	}
	switch {
	case port == "" && j.port == "":
		port = "22"
	case port == "":
		port = j.port
	case j.port != "" && j.port != port:
		return jumpHost{}, fmt.Errorf("config fields %q (%s) and %q (%s) name different ports", m.SSHJump, v, m.SSHJumpPort, port)
	}
	if j.host == "" {
		return jumpHost{}, fmt.Errorf("config field %q (the SSH jump host): %q has no host", m.SSHJump, v)
	}
	return jumpHost{host: j.host, port: port}, nil
}

// parseTarget reads a URL, host:port or bare host.
func parseTarget(v string) (target, error) {
	if strings.Contains(v, "://") {
		u, err := url.Parse(v)
		if err != nil {
			return target{}, fmt.Errorf("target %q: %w", v, err)
		}
		port := u.Port()
		if port == "" {
			port = defaultPort(u.Scheme)
		}
		return target{host: strings.ToLower(u.Hostname()), port: port}, nil
	}
	if h, p, err := net.SplitHostPort(v); err == nil {
		return target{host: normHost(h), port: p}, nil
	}
	return target{host: normHost(strings.Trim(v, "[]"))}, nil
}

// portField reads a port given as a JSON number or numeric string; ""
// when the field is absent, null or 0.
func portField(obj map[string]json.RawMessage, field, what string) (string, error) {
	raw, ok := obj[field]
	if !ok || string(raw) == "null" {
		return "", nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("config field %q (%s) is not a number", field, what)
		}
		n = json.Number(s)
	}
	p, err := strconv.Atoi(n.String())
	if err != nil || p < 0 || p > 65535 {
		return "", fmt.Errorf("config field %q (%s): %q is not a port", field, what, n)
	}
	if p == 0 {
		return "", nil
	}
	return strconv.Itoa(p), nil
}

// normHost lower-cases a host and drops a DNS root dot, so "DB.example."
// and "db.example" are one target (still no DNS: names are not resolved).
func normHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

func defaultPort(scheme string) string {
	switch scheme {
	case "http", "ws":
		return "80"
	case "https", "wss":
		return "443"
	}
	return ""
}

// String is host:port, or the host alone when any port is allowed.
func (t target) String() string {
	if t.port == "" {
		return t.host
	}
	return net.JoinHostPort(t.host, t.port)
}

// allows checks an address against the target. Host names are compared
// as written (no DNS): "localhost" and "127.0.0.1" are different targets.
func (t target) allows(scheme, host, port string) error {
	if port == "" {
		port = defaultPort(scheme)
	}
	if normHost(host) != t.host || (t.port != "" && port != t.port) {
		return denied("%s is not the monitor's target %s", net.JoinHostPort(normHost(host), port), t)
	}
	return nil
}

// allowsHost checks a host alone, for operations without ports (ICMP).
func (t target) allowsHost(host string) error {
	if normHost(host) != t.host {
		return denied("%s is not the monitor's target host %s", normHost(host), t.host)
	}
	return nil
}

// allowsJump checks the first hop of an ssh request against the config's
// jump host. Like allows, names are compared as written.
func (t target) allowsJump(host, port string) error {
	if t.jump.host == "" {
		return denied("ssh jump host %s: the config names no jump host", net.JoinHostPort(normHost(host), port))
	}
	if normHost(host) != t.jump.host || port != t.jump.port {
		return denied("ssh jump host %s is not the config's jump host %s", net.JoinHostPort(normHost(host), port), net.JoinHostPort(t.jump.host, t.jump.port))
	}
	return nil
}
