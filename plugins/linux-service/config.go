package main

import (
	"errors"
	"regexp"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/plugins/internal/sshreact"
)

// Config is the reaction's config object; see schema in main.go.
type Config struct {
	sshreact.Target
	Unit    string `json:"unit"`
	Action  string `json:"action,omitempty"`
	Manager string `json:"manager,omitempty"`
	Sudo    bool   `json:"sudo,omitempty"`
}

// unitName is the characters systemd allows in unit names, minus the
// backslash of its \x2d escapes (a shell metacharacter; write the
// unescaped name instead), and never a leading - (an option to
// systemctl). The same pattern is in the schema; this copy is what
// explains a refusal.
var unitName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9:_.@-]*$`)

// Validate runs before saving a reaction and before every run.
func (c Config) Validate() error {
	errs := []error{c.Target.Check(), sshreact.Name("unit", c.Unit, unitName,
		"want a unit or service name: letters, digits and : _ . @ - (not first)")}
	if len(c.Unit) > 255 {
		errs = append(errs, reactkit.Field("unit", "longer than 255 bytes"))
	}
	if c.Action != "" {
		errs = append(errs, reactkit.OneOf("action", c.Action, "start", "stop", "restart"))
	}
	if c.Manager != "" {
		errs = append(errs, reactkit.OneOf("manager", c.Manager, "systemctl", "service"))
	}
	return errors.Join(errs...)
}

func (c Config) action() string {
	if c.Action == "" {
		return "restart"
	}
	return c.Action
}

// argv is the remote command: systemctl ACTION UNIT, or service UNIT
// ACTION, behind sudo -n when asked.
func (c Config) argv() []string {
	argv := []string{"systemctl", c.action(), c.Unit}
	if c.Manager == "service" {
		argv = []string{"service", c.Unit, c.action()}
	}
	if c.Sudo {
		argv = append([]string{"sudo", "-n"}, argv...)
	}
	return argv
}
