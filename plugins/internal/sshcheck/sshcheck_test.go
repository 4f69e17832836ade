package sshcheck

import (
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/sdk"
)

func TestConnCheck(t *testing.T) {
	base := Conn{Host: "web1", User: "deploy"}
	with := func(f func(c *Conn)) Conn { c := base; f(&c); return c }
	tests := []struct {
		name string
		c    Conn
		err  string // "" valid, else every field named
	}{
		{"minimal", base, ""},
		{"jump", with(func(c *Conn) { c.JumpHost, c.JumpPort, c.JumpUser = "bastion", 2222, "ops" }), ""},
		{"no host", with(func(c *Conn) { c.Host = "" }), "host: required"},
		{"no user", with(func(c *Conn) { c.User = "" }), "user: required"},
		{"user with a space", with(func(c *Conn) { c.User = "a b" }), "user: "},
		{"jump fields without jump_host", with(func(c *Conn) { c.JumpPort, c.JumpUser, c.JumpHostKey = 22, "ops", "x" }), "jump_port|jump_user|jump_host_key"},
		{"jump_host a URL", with(func(c *Conn) { c.JumpHost = "ssh://bastion" }), "jump_host: "},
		{"jump_host with a port", with(func(c *Conn) { c.JumpHost = "bastion:22" }), "jump_host: "},
		{"bad jump_user", with(func(c *Conn) { c.JumpHost, c.JumpUser = "b", "-oProxyCommand=x" }), "jump_user: "},
		{"bad jump_port", with(func(c *Conn) { c.JumpHost, c.JumpPort = "b", 70000 }), "jump_port: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Check()
			if tt.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, f := range strings.Split(tt.err, "|") {
				if err == nil || !strings.Contains(err.Error(), f) {
					t.Errorf("error %v; want %q", err, f)
				}
			}
		})
	}
}

func TestRequestKeys(t *testing.T) {
	ctx := sdk.Context{Secrets: map[string]string{"ssh_key": "K", "pass": "P", "bastion": "J", "jpass": "JP"}}
	c := Conn{Host: "web1", User: "deploy", PassphraseSecret: "pass", JumpHost: "b"}
	r, err := c.request(ctx, "true", 10)
	if err != nil {
		t.Fatal(err)
	}
	// One key for both hops by default, and the same user.
	want := abi.SSHJump{Address: "b:22", User: "deploy", PrivateKey: []byte("K"), Passphrase: "P"}
	if r.Address != "web1:22" || string(r.PrivateKey) != "K" || r.Jump == nil || r.Jump.Address != want.Address ||
		r.Jump.User != want.User || string(r.Jump.PrivateKey) != "K" || r.Jump.Passphrase != "P" {
		t.Errorf("got %+v jump %+v", r, r.Jump)
	}
	c.JumpKeySecret, c.JumpPassphraseSecret, c.JumpUser, c.JumpPort = "bastion", "jpass", "ops", 2222
	if r, err = c.request(ctx, "true", 10); err != nil || string(r.Jump.PrivateKey) != "J" || r.Jump.Passphrase != "JP" || r.Jump.User != "ops" || r.Jump.Address != "b:2222" {
		t.Errorf("got %+v, %v", r.Jump, err)
	}
	c.JumpKeySecret = "absent"
	if _, err = c.request(ctx, "true", 10); err == nil || !strings.Contains(err.Error(), `"absent"`) {
		t.Errorf("missing jump key: %v", err)
	}
	if _, err = (Conn{Host: "h", User: "u"}).request(sdk.Context{}, "true", 10); err == nil || !strings.Contains(err.Error(), `"ssh_key"`) {
		t.Errorf("missing key: %v", err)
	}
}

func TestThresholdJudge(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name   string
		th     Threshold
		v      float64
		status string
		msg    string
	}{
		{"default above, under", Threshold{}, 50, abi.StatusHealthy, "usage 50% (fails above 90%)"},
		{"default above, over", Threshold{}, 90.5, abi.StatusFailed, "usage 90.5% is above the threshold 90%"},
		{"on the limit is healthy", Threshold{}, 90, abi.StatusHealthy, ""},
		{"own limit", Threshold{Limit: f(40)}, 50, abi.StatusFailed, "above the threshold 40%"},
		{"below", Threshold{Limit: f(40), FailWhen: "below"}, 39.999, abi.StatusFailed, "usage 40% is below the threshold 40%"},
		{"below, fine", Threshold{Limit: f(40), FailWhen: "below"}, 50, abi.StatusHealthy, "(fails below 40%)"},
		{"zero limit is a limit", Threshold{Limit: f(0)}, 0.5, abi.StatusFailed, "above the threshold 0%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := tt.th.Judge("usage", tt.v, "%", 90, "above")
			if out.Status != tt.status || !strings.Contains(out.Message, tt.msg) {
				t.Errorf("got %s %q; want %s %q", out.Status, out.Message, tt.status, tt.msg)
			}
		})
	}
	if err := (Threshold{Limit: f(101)}).CheckRange(0, 100); err == nil || !strings.HasPrefix(err.Error(), "threshold: ") {
		t.Errorf("101%%: %v", err)
	}
	if err := (Threshold{FailWhen: "over"}).CheckRange(0, 100); err == nil || !strings.HasPrefix(err.Error(), "fail_when: ") {
		t.Errorf("fail_when over: %v", err)
	}
}
