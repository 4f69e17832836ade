package abi

import (
	"encoding/json"
	"fmt"
	"regexp"
)

// Kind says what a plugin is for.
type Kind string

const (
	// KindCheck plugins are run on a schedule and report healthy|failed|unknown.
	KindCheck Kind = "check"
	// KindReaction plugins run when a monitor changes state and report ok|failed.
	KindReaction Kind = "reaction"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == KindCheck || k == KindReaction }

// Manifest describes a plugin. It is returned by the runbook_manifest export
// and recorded (in part) in plugins.lock.
type Manifest struct {
	Name        string `json:"name"`
	Version     string `json:"version"`
	Kind        Kind   `json:"kind"`
	ABI         int    `json:"abi"`
	Description string `json:"description,omitempty"`
	// Config is the JSON Schema of the plugin's config object; the web
	// generates its form from it.
	Config json.RawMessage `json:"config,omitempty"`
	// Capabilities the plugin needs (e.g. "http"). Ambient capabilities
	// (log, now) need not be listed.
	Capabilities []string `json:"capabilities,omitempty"`
	// Target names the config field holding the monitor's own target
	// (e.g. "url" or "host"). Network capabilities may only reach it.
	Target string `json:"target,omitempty"`
	// TargetPort names a separate config field holding the target's port
	// (a number or a numeric string), for configs that keep host and port
	// apart ({"host": "db", "port": 5432}). When that field is absent or 0
	// the port is TargetDefaultPort; with neither the target is invalid.
	TargetPort        string `json:"target_port,omitempty"`
	TargetDefaultPort int    `json:"target_default_port,omitempty"`
	// Resolver names the config field holding the DNS server (host:port)
	// the "dns" capability may ask. Without it only the host's own
	// resolvers can be used.
	Resolver string `json:"resolver,omitempty"`
	// SSHJump names the config field holding an SSH jump host (host or
	// host:port), and SSHJumpPort an optional field holding its port
	// (default 22). The "ssh" capability may connect to that address,
	// and only as the first hop of a request that names it as its jump;
	// every other capability and address is still held to the target.
	SSHJump     string `json:"ssh_jump,omitempty"`
	SSHJumpPort string `json:"ssh_jump_port,omitempty"`
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// Validate checks the fields the host relies on.
func (m Manifest) Validate() error {
	if !nameRE.MatchString(m.Name) {
		return fmt.Errorf("manifest: name %q: want lower-case letters, digits and dashes", m.Name)
	}
	if m.Version == "" {
		return fmt.Errorf("manifest %s: version is empty", m.Name)
	}
	if !m.Kind.Valid() {
		return fmt.Errorf("manifest %s: kind %q: want check or reaction", m.Name, m.Kind)
	}
	if m.ABI != Version {
		return fmt.Errorf("manifest %s: plugin speaks ABI v%d, host speaks ABI v%d", m.Name, m.ABI, Version)
	}
	if m.TargetPort != "" && m.Target == "" {
		return fmt.Errorf("manifest %s: target_port %q without a target field", m.Name, m.TargetPort)
	}
	if m.SSHJump != "" && m.Target == "" {
		return fmt.Errorf("manifest %s: ssh_jump %q without a target field", m.Name, m.SSHJump)
	}
	if m.SSHJumpPort != "" && m.SSHJump == "" {
		return fmt.Errorf("manifest %s: ssh_jump_port %q without an ssh_jump field", m.Name, m.SSHJumpPort)
	}
	if m.TargetDefaultPort < 0 || m.TargetDefaultPort > 65535 {
		return fmt.Errorf("manifest %s: target_default_port %d is not a port", m.Name, m.TargetDefaultPort)
	}
	if len(m.Config) > 0 && !json.Valid(m.Config) {
		return fmt.Errorf("manifest %s: config schema is not valid JSON", m.Name)
	}
	return nil
}
