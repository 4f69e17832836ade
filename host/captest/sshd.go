package captest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/runbookhq/runbook/internal/loopback"
)

// SSHDPath is the OpenSSH server the tests run (`.ci/install-deps sshd`
// installs it; `make test` calls that).
var SSHDPath = "/usr/sbin/sshd"

// SSHServer is a running sshd that accepts ClientKey for User.
type SSHServer struct {
	Addr string
	User string
	// ClientKey is the OpenSSH PEM private key authorized for User.
	ClientKey string
	// HostKey is the server's public key as an authorized_keys line, and
	// HostFingerprint its SHA256 fingerprint, for pinning.
	HostKey         string
	HostFingerprint string
}

// SSHD starts a real OpenSSH sshd on a free loopback port, with a host key
// and a client key generated for this test, stopped when the test ends.
// It runs as the current user and accepts only that user's public key.
func SSHD(t testing.TB) *SSHServer {
	t.Helper()
	return sshd(t, "")
}

// sshd starts the server with extra lines appended to its sshd_config.
func sshd(t testing.TB, extra string) *SSHServer {
	t.Helper()
	if _, err := os.Stat(SSHDPath); err != nil {
		t.Fatalf("captest: %s missing (run .ci/install-deps sshd): %v", SSHDPath, err)
	}
	u, err := user.Current()
	if err != nil {
		t.Fatalf("captest: current user: %v", err)
	}
	dir := t.TempDir()
	hostPEM, hostPub := genKey(t)
	clientPEM, clientPub := genKey(t)
	write(t, filepath.Join(dir, "host_ed25519"), hostPEM, 0o600)
	write(t, filepath.Join(dir, "authorized_keys"), []byte(authorizedLine(clientPub)), 0o600)
	// sshd refuses to start without its privilege separation directory.
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil && os.Getuid() == 0 {
		t.Fatalf("captest: /run/sshd: %v", err)
	}
	s := &SSHServer{
		User:            u.Username,
		ClientKey:       string(clientPEM),
		HostKey:         strings.TrimSpace(authorizedLine(hostPub)),
		HostFingerprint: ssh.FingerprintSHA256(hostPub),
	}
	// A port freed a moment ago can be taken by someone else before sshd
	// binds it; try a few.
	var lastErr error
	for range 5 {
		if s.Addr, lastErr = startSSHD(t, dir, extra); lastErr == nil {
			return s
		}
	}
	t.Fatalf("captest: sshd: %v", lastErr)
	return nil
}

func startSSHD(t testing.TB, dir, extra string) (string, error) {
	p, err := loopback.Port()
	if err != nil {
		return "", err
	}
	port := strconv.Itoa(p)
	addr := net.JoinHostPort("127.0.0.1", port)
	conf := fmt.Sprintf(`ListenAddress 127.0.0.1
HostKey %[1]s/host_ed25519
PidFile %[1]s/sshd.pid
AuthorizedKeysFile %[1]s/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
LogLevel ERROR
`, dir) + extra
	cfgPath := filepath.Join(dir, "sshd_config")
	write(t, cfgPath, []byte(conf), 0o600)
	var stderr bytes.Buffer
	cmd := exec.Command(SSHDPath, "-D", "-e", "-f", cfgPath, "-p", port)
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("start %s: %w", SSHDPath, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Kill()
		<-done
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		if bannerReady(addr) {
			t.Cleanup(func() {
				stop()
				if t.Failed() && stderr.Len() > 0 {
					t.Logf("sshd stderr:\n%s", stderr.String())
				}
			})
			return addr, nil
		}
		select {
		case err := <-done:
			done <- err
			return "", fmt.Errorf("sshd exited (%v): %s", err, stderr.String())
		case <-ctx.Done():
			stop()
			return "", fmt.Errorf("sshd not answering on %s: %s", addr, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// bannerReady reports whether an SSH server answers on addr.
func bannerReady(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "SSH-2.0-")
}

// genKey makes an ed25519 key: OpenSSH PEM private key and public key.
func genKey(t testing.TB) ([]byte, ssh.PublicKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("captest: key: %v", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "runbook-test")
	if err != nil {
		t.Fatalf("captest: marshal key: %v", err)
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatalf("captest: public key: %v", err)
	}
	return pem.EncodeToMemory(block), sp
}

// GenKey makes an ed25519 key pair that no server authorizes: for tests
// of a refused key or a wrong pinned host key.
func GenKey(t testing.TB) (privatePEM string, authorizedKey string) {
	p, pub := genKey(t)
	return string(p), strings.TrimSpace(authorizedLine(pub))
}

func authorizedLine(k ssh.PublicKey) string { return string(ssh.MarshalAuthorizedKey(k)) }

func write(t testing.TB, path string, b []byte, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, b, mode); err != nil {
		t.Fatalf("captest: %v", err)
	}
}
