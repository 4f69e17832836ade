package sshreact

import (
	"errors"

	"github.com/runbookhq/runbook/plugins/internal/checkkit"
	"github.com/runbookhq/runbook/plugins/internal/reactkit"
)

// DefaultKeySecret is the secret holding the private key when key_secret
// is not set; it is the name the ssh-command check uses too, so one
// secret serves a monitor and its reactions.
const DefaultKeySecret = "ssh_key"

// Target is where and as whom a reaction runs its command. Plugins embed
// it in their Config; its JSON fields are the ones Schema declares.
type Target struct {
	Host             string  `json:"host"`
	Port             int     `json:"port,omitempty"`
	User             string  `json:"user"`
	KeySecret        string  `json:"key_secret,omitempty"`
	PassphraseSecret string  `json:"passphrase_secret,omitempty"`
	HostKey          string  `json:"host_key,omitempty"`
	Timeout          float64 `json:"timeout,omitempty"`
}

// Check validates the connection fields; each error starts with its
// field's name. (Not named Validate: Target is embedded, and a promoted
// Validate would silently stand in for a plugin's own.)
func (t Target) Check() error {
	errs := []error{
		checkkit.CheckHost(t.Host),
		checkkit.CheckPort(t.Port),
		reactkit.Required("user", t.User),
		checkkit.CheckTimeout(t.Timeout),
	}
	if t.User != "" && !userName.MatchString(t.User) {
		errs = append(errs, reactkit.Field("user", "%q is not a user name", t.User))
	}
	return errors.Join(errs...)
}

// Addr is host:port, port 22 by default.
func (t Target) Addr() string { return checkkit.Addr(t.Host, t.Port, 22) }

func (t Target) keySecret() string { return reactkit.SecretName(t.KeySecret, DefaultKeySecret) }
