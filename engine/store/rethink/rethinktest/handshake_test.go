package rethinktest

import (
	"bufio"
	"encoding/binary"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	r "gopkg.in/rethinkdb/rethinkdb-go.v6"
	p "gopkg.in/rethinkdb/rethinkdb-go.v6/ql2"
)

// TestHandshakeWithDriver: the real driver's SCRAM-SHA-256 handshake
// succeeds with the right credentials only.
func TestHandshakeWithDriver(t *testing.T) {
	srv := New(t, Options{Password: "right"})
	cases := []struct {
		name, user, password string
		ok                   bool
		wantErr              string
	}{
		{"admin with the password", "", "right", true, ""},
		{"admin named explicitly", "admin", "right", true, ""},
		{"wrong password", "admin", "wrong", false, "Wrong password"},
		{"empty password", "admin", "", false, "Wrong password"},
		{"unknown user", "bob", "right", false, "Unknown user"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sess, err := r.Connect(r.ConnectOpts{Address: srv.Addr(), Username: c.user, Password: c.password, Timeout: 5 * time.Second})
			if c.ok {
				if err != nil {
					t.Fatalf("connect: %v", err)
				}
				defer sess.Close()
				var n float64
				cur, err := r.Expr(2).Run(sess)
				if err != nil {
					t.Fatal(err)
				}
				if err := cur.One(&n); err != nil || n != 2 {
					t.Fatalf("query after handshake: %v, %v", n, err)
				}
				return
			}
			if err == nil {
				sess.Close()
				t.Fatal("connected with bad credentials")
			}
			if !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("error %q does not say %q", err, c.wantErr)
			}
		})
	}
}

// TestHandshakeRefusesOldProtocols: a V0_4 client is told plainly.
func TestHandshakeRefusesOldProtocols(t *testing.T) {
	srv := New(t, Options{})
	nc, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	var hdr [4]byte
	binary.LittleEndian.PutUint32(hdr[:], uint32(p.VersionDummy_V0_4))
	if _, err := nc.Write(hdr[:]); err != nil {
		t.Fatal(err)
	}
	_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	msg, err := bufio.NewReader(nc).ReadString(0)
	if err != nil || !strings.HasPrefix(msg, "ERROR: ") {
		t.Fatalf("got %q, %v; want an ERROR: message", msg, err)
	}
}

// TestHandshakeBadMessages: malformed handshakes end the connection with
// an error instead of hanging or crashing the server.
func TestHandshakeBadMessages(t *testing.T) {
	cred := newCredentials("admin", "pw", 16)
	magic := func() string {
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], uint32(p.VersionDummy_V1_0))
		return string(b[:])
	}()
	cases := []struct{ name, in string }{
		{"empty", ""},
		{"magic only", magic},
		{"not json", magic + "hello\x00"},
		{"wrong method", magic + `{"protocol_version":0,"authentication_method":"PLAIN","authentication":"n,,n=admin,r=x"}` + "\x00"},
		{"no gs2 header", magic + `{"protocol_version":0,"authentication_method":"SCRAM-SHA-256","authentication":"n=admin,r=x"}` + "\x00"},
		{"bad final", magic + `{"protocol_version":0,"authentication_method":"SCRAM-SHA-256","authentication":"n,,n=admin,r=x"}` + "\x00" + `{"authentication":"c=biws,r=x,p=AAAA"}` + "\x00"},
		{"endless message", magic + strings.Repeat("a", 2*maxHandshakeMsg)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out strings.Builder
			err := serverHandshake(bufio.NewReader(strings.NewReader(c.in)), &out, cred)
			if err == nil {
				t.Fatal("handshake succeeded")
			}
			if errors.Is(err, errAuth) {
				t.Errorf("malformed input reported as a credentials failure: %v", err)
			}
		})
	}
}
