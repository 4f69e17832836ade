package sshcheck

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/checkkit"
	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/sdk"
)

// DefaultKeySecret is the secret holding the private key when key_secret
// is not set; the SSH reactions use the same name, so one secret serves a
// monitor and its reactions.
const DefaultKeySecret = "ssh_key"

// Conn is where and as whom a check runs its command, optionally through
// a jump host. Plugins embed it in their Config; its JSON fields are the
// ones Schema declares.
type Conn struct {
	Host             string  `json:"host"`
	Port             int     `json:"port,omitempty"`
	User             string  `json:"user"`
	KeySecret        string  `json:"key_secret,omitempty"`
	PassphraseSecret string  `json:"passphrase_secret,omitempty"`
	HostKey          string  `json:"host_key,omitempty"`
	Timeout          float64 `json:"timeout,omitempty"`

	// The jump host is reached first, and the target through it. Its
	// user and key default to the target's.
	JumpHost             string `json:"jump_host,omitempty"`
	JumpPort             int    `json:"jump_port,omitempty"`
	JumpUser             string `json:"jump_user,omitempty"`
	JumpKeySecret        string `json:"jump_key_secret,omitempty"`
	JumpPassphraseSecret string `json:"jump_passphrase_secret,omitempty"`
	JumpHostKey          string `json:"jump_host_key,omitempty"`
}

// userName is a POSIX-ish login name; it travels in the SSH protocol, not
// a shell, but a name with spaces or newlines is always a mistake.
var userName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$`)

// Check validates the connection fields; each error starts with its
// field's name. (Not named Validate: Conn is embedded, and a promoted
// Validate would silently stand in for a plugin's own.)
func (c Conn) Check() error {
	errs := []error{
		checkkit.CheckHost(c.Host),
		checkkit.CheckPort(c.Port),
		reactkit.Required("user", c.User),
		checkkit.CheckTimeout(c.Timeout),
		loginName("user", c.User),
		loginName("jump_user", c.JumpUser),
	}
	if c.JumpHost == "" {
		for _, f := range []struct {
			name string
			set  bool
		}{{"jump_port", c.JumpPort != 0}, {"jump_user", c.JumpUser != ""}, {"jump_key_secret", c.JumpKeySecret != ""},
			{"jump_passphrase_secret", c.JumpPassphraseSecret != ""}, {"jump_host_key", c.JumpHostKey != ""}} {
			if f.set {
				errs = append(errs, reactkit.Field(f.name, "set without jump_host"))
			}
		}
	} else if err := checkkit.CheckHost(c.JumpHost); err != nil {
		// CheckHost names "host"; this is the jump host's field.
		errs = append(errs, reactkit.Field("jump_host", "%s", strings.TrimPrefix(err.Error(), "host: ")))
	}
	if c.JumpPort < 0 || c.JumpPort > 65535 {
		errs = append(errs, reactkit.Field("jump_port", "%d is not a TCP port", c.JumpPort))
	}
	return errors.Join(errs...)
}

func loginName(field, v string) error {
	if v != "" && !userName.MatchString(v) {
		return reactkit.Field(field, "%q is not a user name", v)
	}
	return nil
}

// Addr is host:port, port 22 by default.
func (c Conn) Addr() string { return checkkit.Addr(c.Host, c.Port, 22) }

// Where names the connection in messages: user@host:port, and the jump
// host when there is one.
func (c Conn) Where() string {
	w := c.User + "@" + c.Addr()
	if c.JumpHost != "" {
		w += " via " + checkkit.Addr(c.JumpHost, c.JumpPort, 22)
	}
	return w
}

// request is the ssh capability request for command, keys taken from the
// call's secrets. A missing secret is an error naming it.
func (c Conn) request(ctx sdk.Context, command string, maxOutput int) (sdk.SSHRequest, error) {
	keySecret := reactkit.SecretName(c.KeySecret, DefaultKeySecret)
	key := ctx.Secrets[keySecret]
	if key == "" {
		return sdk.SSHRequest{}, fmt.Errorf("secret %q (the SSH private key) is not set for this monitor", keySecret)
	}
	pass := ctx.Secrets[c.PassphraseSecret]
	req := sdk.SSHRequest{
		Address:        c.Addr(),
		User:           c.User,
		PrivateKey:     []byte(key),
		Passphrase:     pass,
		HostKey:        c.HostKey,
		Command:        command,
		MaxOutputBytes: maxOutput,
		TimeoutMS:      checkkit.TimeoutMS(c.Timeout, 30),
	}
	if c.JumpHost == "" {
		return req, nil
	}
	jump := sdk.SSHJump{
		Address:    checkkit.Addr(c.JumpHost, c.JumpPort, 22),
		User:       reactkit.SecretName(c.JumpUser, c.User),
		PrivateKey: []byte(key),
		Passphrase: pass,
		HostKey:    c.JumpHostKey,
	}
	if c.JumpKeySecret != "" {
		if jump.PrivateKey = []byte(ctx.Secrets[c.JumpKeySecret]); len(jump.PrivateKey) == 0 {
			return sdk.SSHRequest{}, fmt.Errorf("secret %q (the jump host's SSH private key) is not set for this monitor", c.JumpKeySecret)
		}
		jump.Passphrase = ctx.Secrets[c.JumpPassphraseSecret]
	}
	req.Jump = &jump
	return req, nil
}
