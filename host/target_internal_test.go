package host

import (
	"encoding/json"
	"net"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
)

func TestTargetOf(t *testing.T) {
	hostPort := abi.Manifest{Target: "host", TargetPort: "port"}
	withDefault := abi.Manifest{Target: "host", TargetPort: "port", TargetDefaultPort: 443}
	tests := []struct {
		name   string
		m      abi.Manifest
		config string
		want   string // target.String(), or the error substring after "!"
	}{
		{"url", abi.Manifest{Target: "url"}, `{"url":"https://A.example/x"}`, "a.example:443"},
		{"url port", abi.Manifest{Target: "url"}, `{"url":"http://127.0.0.1:8080/"}`, "127.0.0.1:8080"},
		{"host:port", abi.Manifest{Target: "host"}, `{"host":"db:5432"}`, "db:5432"},
		{"bare host", abi.Manifest{Target: "host"}, `{"host":"DB.example."}`, "db.example"},
		{"no target field", abi.Manifest{}, `{}`, "!names no target"},
		{"missing field", abi.Manifest{Target: "host"}, `{}`, "!missing"},
		{"port field number", hostPort, `{"host":"127.0.0.1","port":2222}`, "127.0.0.1:2222"},
		{"port field string", hostPort, `{"host":"127.0.0.1","port":"2222"}`, "127.0.0.1:2222"},
		{"port field ipv6", hostPort, `{"host":"::1","port":22}`, "[::1]:22"},
		{"port in host only", hostPort, `{"host":"127.0.0.1:22"}`, "127.0.0.1:22"},
		{"same port twice", hostPort, `{"host":"127.0.0.1:22","port":22}`, "127.0.0.1:22"},
		{"two ports", hostPort, `{"host":"127.0.0.1:22","port":23}`, "!different ports"},
		{"port missing", hostPort, `{"host":"127.0.0.1"}`, "!is missing"},
		{"port zero is missing", hostPort, `{"host":"127.0.0.1","port":0}`, "!is missing"},
		{"port default", withDefault, `{"host":"a.example"}`, "a.example:443"},
		{"port over default", withDefault, `{"host":"a.example","port":8443}`, "a.example:8443"},
		{"port not a number", hostPort, `{"host":"a","port":"x"}`, "!not a port"},
		{"port out of range", hostPort, `{"host":"a","port":70000}`, "!not a port"},
		{"port wrong type", hostPort, `{"host":"a","port":true}`, "!not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := targetOf(tt.m, json.RawMessage(tt.config))
			if want, isErr := strings.CutPrefix(tt.want, "!"); isErr {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("got %v, %v; want error containing %q", got, err, want)
				}
				return
			}
			if err != nil || got.String() != tt.want {
				t.Fatalf("got %v, %v; want %s", got, err, tt.want)
			}
		})
	}
}

// TestTargetAllows is the policy the network capabilities share: the
// monitor's own host, and its own port when one is set.
func TestTargetAllows(t *testing.T) {
	m := abi.Manifest{Target: "host", TargetPort: "port", Capabilities: []string{"tcp"}}
	tests := []struct {
		name, address string
		ok            bool
	}{
		{"the target", "127.0.0.1:2222", true},
		{"another port of the host", "127.0.0.1:22", false},
		{"another host, same port", "127.0.0.2:2222", false},
		{"the same machine by another name", "localhost:2222", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProbe(t, m, map[string]any{"host": "127.0.0.1", "port": 2222})
			_, _, err := Env{st: p.st}.CheckHostPort("tcp", tt.address, "")
			if (err == nil) != tt.ok {
				t.Fatalf("CheckHostPort(%s) = %v; want allowed=%v", tt.address, err, tt.ok)
			}
		})
	}
}

func TestJumpOf(t *testing.T) {
	m := abi.Manifest{Target: "host", SSHJump: "jump", SSHJumpPort: "jump_port"}
	tests := []struct {
		name   string
		m      abi.Manifest
		config string
		want   string // host:port, "" for no jump, or the error substring after "!"
	}{
		{"no jump field in manifest", abi.Manifest{Target: "host"}, `{"host":"a","jump":"b"}`, ""},
		{"jump absent", m, `{"host":"a"}`, ""},
		{"jump empty", m, `{"host":"a","jump":""}`, ""},
		{"default port 22", m, `{"host":"a","jump":"Bastion.example."}`, "bastion.example:22"},
		{"host:port", m, `{"host":"a","jump":"b:2222"}`, "b:2222"},
		{"port field", m, `{"host":"a","jump":"b","jump_port":2200}`, "b:2200"},
		{"ipv6", m, `{"host":"a","jump":"::1","jump_port":"2200"}`, "[::1]:2200"},
		{"two ports", m, `{"host":"a","jump":"b:1","jump_port":2}`, "!different ports"},
		{"bad port", m, `{"host":"a","jump":"b","jump_port":70000}`, `!"jump_port" (the SSH jump host's port)`},
		{"not a string", m, `{"host":"a","jump":5}`, `!"jump" (the SSH jump host) is not a string`},
		{"url", m, `{"host":"a","jump":"ssh://b"}`, "!want host or host:port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := targetOf(tt.m, json.RawMessage(tt.config))
			if want, isErr := strings.CutPrefix(tt.want, "!"); isErr {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("error %v; want %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s := ""
			if got.jump.host != "" {
				s = net.JoinHostPort(got.jump.host, got.jump.port)
			}
			if s != tt.want {
				t.Errorf("jump %q; want %q", s, tt.want)
			}
		})
	}
}
