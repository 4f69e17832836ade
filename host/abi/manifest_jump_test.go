package abi

import (
	"strings"
	"testing"
)

// A jump field only makes sense next to a target, and a jump port field
// only next to a jump field: a manifest otherwise would declare an
// address nobody can check.
func TestManifestSSHJump(t *testing.T) {
	base := Manifest{Name: "p", Version: "1", Kind: KindCheck, ABI: Version, Target: "host", SSHJump: "jump_host", SSHJumpPort: "jump_port"}
	if err := base.Validate(); err != nil {
		t.Fatal(err)
	}
	noTarget := base
	noTarget.Target = ""
	noJump := base
	noJump.SSHJump = ""
	for want, m := range map[string]Manifest{"ssh_jump": noTarget, "ssh_jump_port": noJump} {
		if err := m.Validate(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: %v; want an error naming %s", m, err, want)
		}
	}
}
