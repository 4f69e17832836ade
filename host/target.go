package host

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// target is the one network address a call may reach: the host and port
// of the config field the manifest names. port "" means any port (the
// field held a bare host name).
type target struct {
	host, port string
}

// targetOf reads the manifest's target field out of the call's config.
func targetOf(field string, config json.RawMessage) (target, error) {
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
		return target{host: strings.ToLower(h), port: p}, nil
	}
	return target{host: strings.ToLower(strings.Trim(v, "[]"))}, nil
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

// allows checks an address against the target. Host names are compared
// as written (no DNS): "localhost" and "127.0.0.1" are different targets.
func (t target) allows(scheme, host, port string) error {
	if port == "" {
		port = defaultPort(scheme)
	}
	if strings.ToLower(host) != t.host || (t.port != "" && port != t.port) {
		want := t.host
		if t.port != "" {
			want = net.JoinHostPort(t.host, t.port)
		}
		return denied("%s is not the monitor's target %s", net.JoinHostPort(host, port), want)
	}
	return nil
}
