package sshcheck

import (
	"regexp"
	"testing"
)

// The host's schema check refuses bad names before plugin code runs;
// these hold the plugins' own validators to the same rule, so a schema
// edit alone cannot open a command to injection.
func TestNamesRefuseShellSyntax(t *testing.T) {
	hostile := []string{"nginx;reboot", "nginx && x", "$(reboot)", "`reboot`", "a|sh", "a\nb", "-H", "--help",
		"a b", "a'", `a\x2d`, "a>x", "", "a\x00"}
	for _, re := range []struct {
		name    string
		pattern *regexp.Regexp
		ok      []string
	}{
		{"unit", UnitName, []string{"nginx", "nginx.service", "getty@tty1.service", "a:b_c.d@e-f"}},
		{"container", ContainerName, []string{"web", "0123abcdef", "my_app.1-2"}},
	} {
		for _, v := range re.ok {
			if err := Name(re.name, v, re.pattern, "x"); err != nil {
				t.Errorf("%s %q refused: %v", re.name, v, err)
			}
		}
		for _, v := range hostile {
			if err := Name(re.name, v, re.pattern, "x"); err == nil {
				t.Errorf("%s %q accepted", re.name, v)
			}
		}
	}
	for _, v := range []string{"/", "/var/lib/docker", "/mnt/data-1", "/srv/a@b+c:d"} {
		if !Path.MatchString(v) {
			t.Errorf("path %q refused", v)
		}
	}
	for _, v := range append(hostile, "relative", "/a b", "/$HOME", "/a;b", "~/x") {
		if Path.MatchString(v) {
			t.Errorf("path %q accepted", v)
		}
	}
	// Quoting is the second wall: even a name that slipped through is
	// one shell word.
	if got := Command("systemctl", "is-active", "a;b"); got != `systemctl is-active 'a;b'` {
		t.Errorf("Command = %s", got)
	}
}
