package sshreact

import "testing"

// Command is the second wall behind name validation: whatever a word
// holds, sh must see it as one literal word.
func TestCommandQuotes(t *testing.T) {
	for _, tt := range []struct {
		argv []string
		want string
	}{
		{[]string{"systemctl", "restart", "getty@tty1.service"}, "systemctl restart getty@tty1.service"},
		{[]string{"docker", "pull", "registry.example:5000/app:1"}, "docker pull registry.example:5000/app:1"},
		{[]string{"echo", "a;b"}, "echo 'a;b'"},
		{[]string{"echo", "it's $(id)"}, `echo 'it'\''s $(id)'`},
		{[]string{"echo", ""}, "echo ''"},
	} {
		if got := Command(tt.argv...); got != tt.want {
			t.Errorf("Command(%q) = %s, want %s", tt.argv, got, tt.want)
		}
	}
}
