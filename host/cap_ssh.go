package host

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/runbookhq/runbook/host/abi"
	"golang.org/x/crypto/ssh"
)

func init() {
	RegisterCapability(Capability{Name: abi.CapSSH, Handle: handleSSH})
}

// maxSSHOutput caps stdout and stderr each: a check reads a status line,
// not a log file.
const maxSSHOutput = 64 << 10

func handleSSH(ctx context.Context, env Env, raw json.RawMessage) (any, error) {
	var r abi.SSHRequest
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, badRequest("ssh: %v", err)
	}
	host, port, err := env.CheckHostPort("ssh", r.Address, "22")
	if err != nil {
		if isDryRun(err) && r.Jump != nil {
			// A dry run records every host the command would have
			// reached, the jump host too (or says why that one is
			// refused), then is refused once.
			if _, jerr := env.checkSSHJump(r.Jump.Address); jerr != nil && !isDryRun(jerr) {
				return nil, jerr
			}
		}
		return nil, err
	}
	if r.User == "" || r.Command == "" {
		return nil, badRequest("ssh: user and command are required")
	}
	var jumpAddr string
	if r.Jump != nil {
		if jumpAddr, err = env.checkSSHJump(r.Jump.Address); err != nil {
			return nil, err
		}
	}
	var fingerprint, jumpFingerprint string
	cfg, err := clientConfig("ssh", r.User, r.PrivateKey, r.Passphrase, r.HostKey, &fingerprint)
	if err != nil {
		return nil, err
	}
	var jumpCfg *ssh.ClientConfig
	if r.Jump != nil {
		if jumpCfg, err = clientConfig("ssh: jump", r.Jump.User, r.Jump.PrivateKey, r.Jump.Passphrase, r.Jump.HostKey, &jumpFingerprint); err != nil {
			return nil, err
		}
	}
	limit := maxSSHOutput
	if r.MaxOutputBytes > 0 {
		limit = min(r.MaxOutputBytes, maxSSHOutput)
	}
	ctx, cancel := requestTimeout(ctx, r.TimeoutMS)
	defer cancel()

	start := time.Now()
	addr := net.JoinHostPort(host, port)
	var client *ssh.Client
	if r.Jump == nil {
		client, err = sshConnect(ctx, addr, cfg)
	} else {
		client, err = sshConnectVia(ctx, jumpAddr, jumpCfg, addr, cfg)
	}
	if err != nil {
		return nil, err
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		return nil, fmt.Errorf("ssh: open session on %s: %w", addr, netCause(ctx, err))
	}
	defer sess.Close()
	stdout, stderr := &cappedBuffer{limit: limit}, &cappedBuffer{limit: limit}
	sess.Stdout, sess.Stderr = stdout, stderr
	if len(r.Stdin) > 0 {
		sess.Stdin = bytes.NewReader(r.Stdin)
	}
	resp := abi.SSHResponse{HostKeyFingerprint: fingerprint, JumpHostKeyFingerprint: jumpFingerprint}
	err = sess.Run(r.Command)
	var exit *ssh.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		resp.ExitStatus, resp.ExitSignal = exit.ExitStatus(), exit.Signal()
	case ctx.Err() != nil:
		return nil, fmt.Errorf("ssh: run %q on %s: %w", r.Command, addr, ctx.Err())
	default:
		return nil, fmt.Errorf("ssh: run %q on %s: %w", r.Command, addr, err)
	}
	resp.Stdout, resp.StdoutTruncated = stdout.buf.Bytes(), stdout.dropped > 0
	resp.Stderr, resp.StderrTruncated = stderr.buf.Bytes(), stderr.dropped > 0
	resp.TotalMS = ms(time.Since(start))
	return resp, nil
}

// checkSSHJump allows the jump host of an ssh request only if it is the
// one the config names in the manifest's SSHJump field.
func (e Env) checkSSHJump(address string) (string, error) {
	host, port, err := splitHostPort(address, "22")
	if err != nil {
		return "", badRequest("ssh: jump address %q: %v", address, err)
	}
	t, err := e.st.resolveTarget()
	if err != nil {
		return "", denied("%v", err)
	}
	if err := t.allowsJump(host, port); err != nil {
		return "", err
	}
	if err := e.st.dryRun.refuse("ssh-jump", host, port); err != nil {
		return "", err
	}
	return net.JoinHostPort(host, port), nil
}

// clientConfig is one hop's login: user, public-key auth and the pinned
// (or recorded) host key.
func clientConfig(what, user string, key []byte, passphrase, hostKey string, seen *string) (*ssh.ClientConfig, error) {
	if user == "" {
		return nil, badRequest("%s: user is required", what)
	}
	signer, err := parseSigner(key, passphrase)
	if err != nil {
		return nil, badRequest("%s: private key: %v", what, err)
	}
	cb, err := hostKeyCallback(hostKey, seen)
	if err != nil {
		return nil, badRequest("%s: host_key: %v", what, err)
	}
	return &ssh.ClientConfig{User: user, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}, HostKeyCallback: cb}, nil
}

// sshConnect dials addr and logs in. x/crypto/ssh has no contexts:
// closing the connection when ctx ends is what bounds the handshake and
// the command.
func sshConnect(ctx context.Context, addr string, cfg *ssh.ClientConfig) (*ssh.Client, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("ssh: connect %s: %w", addr, netCause(ctx, err))
	}
	return sshHandshake(ctx, conn, addr, cfg, "")
}

// sshConnectVia logs in to the jump host, opens a direct-tcpip channel
// from it to addr, and logs in to addr over that channel. The returned
// client closes the jump connection with its own.
func sshConnectVia(ctx context.Context, jumpAddr string, jumpCfg *ssh.ClientConfig, addr string, cfg *ssh.ClientConfig) (*ssh.Client, error) {
	jump, err := sshConnect(ctx, jumpAddr, jumpCfg)
	if err != nil {
		return nil, fmt.Errorf("jump host: %w", err)
	}
	// The jump connection's AfterFunc (in sshHandshake) already closes
	// its TCP connection when ctx ends, which ends the tunnel too.
	tunnel, err := jump.Dial("tcp", addr)
	if err != nil {
		jump.Close()
		return nil, fmt.Errorf("ssh: tunnel from jump host %s to %s: %w", jumpAddr, addr, netCause(ctx, err))
	}
	client, err := sshHandshake(ctx, tunnel, addr, cfg, " via "+jumpAddr)
	if err != nil {
		jump.Close()
		return nil, err
	}
	go func() {
		// Whichever side ends first, the jump connection goes with it.
		_ = client.Wait()
		jump.Close()
	}()
	return client, nil
}

func sshHandshake(ctx context.Context, conn net.Conn, addr string, cfg *ssh.ClientConfig, via string) (*ssh.Client, error) {
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	cc, chans, reqs, err := ssh.NewClientConn(conn, addr, cfg)
	if err != nil {
		stop()
		conn.Close()
		return nil, fmt.Errorf("ssh: handshake with %s%s as %s: %w", addr, via, cfg.User, netCause(ctx, err))
	}
	return ssh.NewClient(cc, chans, reqs), nil
}

func parseSigner(key []byte, passphrase string) (ssh.Signer, error) {
	if len(key) == 0 {
		return nil, errors.New("empty (pass a key from the call's secrets)")
	}
	if passphrase != "" {
		return ssh.ParsePrivateKeyWithPassphrase(key, []byte(passphrase))
	}
	return ssh.ParsePrivateKey(key)
}

// hostKeyCallback pins the server key to an authorized_keys-format key or
// a SHA256 fingerprint, and records the fingerprint it saw either way.
func hostKeyCallback(pin string, seen *string) (ssh.HostKeyCallback, error) {
	pin = strings.TrimSpace(pin)
	var want string
	switch {
	case pin == "":
	case strings.HasPrefix(pin, "SHA256:"):
		want = pin
	default:
		pk, _, _, _, err := ssh.ParseAuthorizedKey([]byte(pin))
		if err != nil {
			return nil, fmt.Errorf("want an authorized_keys line or a SHA256: fingerprint: %w", err)
		}
		want = ssh.FingerprintSHA256(pk)
	}
	return func(_ string, _ net.Addr, key ssh.PublicKey) error {
		*seen = ssh.FingerprintSHA256(key)
		if want != "" && subtle.ConstantTimeCompare([]byte(*seen), []byte(want)) != 1 {
			return fmt.Errorf("host key %s is not the pinned %s", *seen, want)
		}
		return nil
	}, nil
}

// cappedBuffer keeps the first limit bytes written and counts the rest,
// so a chatty command cannot grow the host's memory.
type cappedBuffer struct {
	buf     bytes.Buffer
	limit   int
	dropped int64
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	keep := min(len(p), b.limit-b.buf.Len())
	b.buf.Write(p[:keep])
	b.dropped += int64(len(p) - keep)
	return len(p), nil
}
