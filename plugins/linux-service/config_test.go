package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/plugins/internal/sshreact"
)

// The host's schema check refuses bad unit names before this code runs;
// these tests hold the plugin's own validator to the same rule, so a
// schema edit alone cannot open the command to injection.
func TestValidateUnit(t *testing.T) {
	base := Config{Target: sshreact.Target{Host: "web1", User: "deploy"}}
	for _, u := range []string{"nginx", "nginx.service", "getty@tty1.service", "sys-fs-fuse-connections.mount", "a:b"} {
		c := base
		c.Unit = u
		if err := c.Validate(); err != nil {
			t.Errorf("%q: %v", u, err)
		}
	}
	for _, u := range []string{"", "nginx;reboot", "$(id)", "`id`", "a b", "a\nb", "-H", "--now", "a'b", `a\x2db`, "a|b", "a>b", "a&b", strings.Repeat("a", 256)} {
		c := base
		c.Unit = u
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "unit: ") {
			t.Errorf("%q: %v; want an error naming unit", u, err)
		}
	}
}

func TestArgv(t *testing.T) {
	c := Config{Unit: "nginx"}
	for _, tt := range []struct {
		action, manager string
		sudo            bool
		want            []string
	}{
		{"", "", false, []string{"systemctl", "restart", "nginx"}},
		{"stop", "systemctl", false, []string{"systemctl", "stop", "nginx"}},
		{"start", "service", false, []string{"service", "nginx", "start"}},
		{"restart", "", true, []string{"sudo", "-n", "systemctl", "restart", "nginx"}},
	} {
		c.Action, c.Manager, c.Sudo = tt.action, tt.manager, tt.sudo
		if got := c.argv(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%+v: %q, want %q", tt, got, tt.want)
		}
	}
}
