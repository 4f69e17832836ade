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
		return nil, err
	}
	if r.User == "" || r.Command == "" {
		return nil, badRequest("ssh: user and command are required")
	}
	signer, err := parseSigner(r.PrivateKey, r.Passphrase)
	if err != nil {
		return nil, badRequest("ssh: private key: %v", err)
	}
	var fingerprint string
	hostKeyCB, err := hostKeyCallback(r.HostKey, &fingerprint)
	if err != nil {
		return nil, badRequest("ssh: host_key: %v", err)
	}
	limit := maxSSHOutput
	if r.MaxOutputBytes > 0 {
		limit = min(r.MaxOutputBytes, maxSSHOutput)
	}
	ctx, cancel := requestTimeout(ctx, r.TimeoutMS)
	defer cancel()

	start := time.Now()
	addr := net.JoinHostPort(host, port)
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("ssh: connect %s: %w", addr, netCause(ctx, err))
	}
	// x/crypto/ssh has no contexts: closing the connection when the call
	// ends is what bounds the handshake and the command.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	cc, chans, reqs, err := ssh.NewClientConn(conn, addr, &ssh.ClientConfig{
		User:            r.User,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: hostKeyCB,
	})
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("ssh: handshake with %s as %s: %w", addr, r.User, netCause(ctx, err))
	}
	client := ssh.NewClient(cc, chans, reqs)
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
	resp := abi.SSHResponse{HostKeyFingerprint: fingerprint}
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
