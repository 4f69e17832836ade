package sshcheck

import (
	"regexp"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/plugins/internal/sshreact"
)

// Patterns of the names that end up in a remote command. The remote side
// runs the command with the user's shell, so a character outside these
// sets (space, ;, $, `, |, quotes, newline, a leading -) could run
// something else or become an option. The same patterns are in the
// plugins' schemas; these copies are what explain a refusal.
var (
	// UnitName is what systemd allows in unit names, minus the backslash
	// of its \x2d escapes, and never a leading -.
	UnitName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9:_.@-]{0,254}$`)
	// ContainerName is Docker's rule for container names (ids are hex).
	ContainerName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$`)
	// Path is an absolute path of plain characters.
	Path = regexp.MustCompile(`^/[A-Za-z0-9_./@+:-]*$`)
)

// Name checks that v matches re; the error names field and says want.
func Name(field, v string, re *regexp.Regexp, want string) error {
	if v == "" {
		return reactkit.Field(field, "required")
	}
	if !re.MatchString(v) {
		return reactkit.Field(field, "%q: %s", v, want)
	}
	return nil
}

// Command joins argv into a shell command line, quoting every word that
// is not plain. Names are validated before they get here; quoting is the
// second wall, so a validator bug alone cannot turn a name into shell
// syntax.
func Command(argv ...string) string { return sshreact.Command(argv...) }
