package captest

import (
	"testing"

	"golang.org/x/crypto/ssh"
)

func TestSSHDAcceptsClientKey(t *testing.T) {
	s := SSHD(t)
	signer, err := ssh.ParsePrivateKey([]byte(s.ClientKey))
	if err != nil {
		t.Fatal(err)
	}
	c, err := ssh.Dial("tcp", s.Addr, &ssh.ClientConfig{User: s.User, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}, HostKeyCallback: ssh.InsecureIgnoreHostKey()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sess, _ := c.NewSession()
	out, err := sess.CombinedOutput("echo hi")
	if err != nil || string(out) != "hi\n" {
		t.Fatalf("%q %v", out, err)
	}
}
