package sshreact

import (
	"regexp"
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
)

// userName is a POSIX-ish login name; it travels in the SSH protocol, not
// a shell, but a name with spaces or newlines is always a mistake.
var userName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$`)

// Name checks that v matches re, the only characters a name of this kind
// may have. Every name that ends up in a remote command goes through a
// check like this: the remote side runs the command with the user's
// shell, so a character outside the set (space, ;, $, `, |, quotes,
// newline, a leading -) could run something else or become an option.
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
// is not made only of characters no shell treats specially. Names are
// validated before they get here; quoting is the second wall, so a
// validator bug alone cannot turn a name into shell syntax.
func Command(argv ...string) string {
	words := make([]string, len(argv))
	for i, a := range argv {
		words[i] = quote(a)
	}
	return strings.Join(words, " ")
}

var plainWord = regexp.MustCompile(`^[A-Za-z0-9_./:@=+-]+$`)

func quote(s string) string {
	if plainWord.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
