package captest

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// Mail is one message an SMTP relay accepted.
type Mail struct {
	From string
	To   []string
	Data string
	// Auth is "user:password" from AUTH PLAIN, "" without AUTH.
	Auth string
	TLS  bool // the session was upgraded with STARTTLS
}

// SMTPRelay is a minimal SMTP server: EHLO, STARTTLS (when it has a
// certificate), AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT. It
// implements just enough of RFC 5321 for net/smtp and records messages.
type SMTPRelay struct {
	Addr string
	// RejectRcpt makes RCPT TO for this address fail with 550.
	RejectRcpt string
	// Password, when set, is required by AUTH PLAIN (and AUTH is required).
	Password string
	tlsConf  *tls.Config
	mu       sync.Mutex
	mails    []Mail
}

// SMTP starts a relay on a free loopback port; cert, when not nil,
// enables STARTTLS.
func SMTP(t testing.TB, cert *tls.Certificate) *SMTPRelay {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("captest: SMTP listen: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	s := &SMTPRelay{Addr: l.Addr().String()}
	if cert != nil {
		s.tlsConf = &tls.Config{Certificates: []tls.Certificate{*cert}}
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

// Mails returns what the relay accepted so far.
func (s *SMTPRelay) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

func (s *SMTPRelay) serve(c net.Conn) {
	defer func() { c.Close() }()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	r, w := bufio.NewReader(c), bufio.NewWriter(c)
	reply := func(line string) { w.WriteString(line + "\r\n"); w.Flush() }
	reply("220 captest ESMTP")
	var m Mail
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		arg := strings.TrimSpace(strings.TrimPrefix(line, line[:len(verb)]))
		switch verb {
		case "EHLO", "HELO":
			ext := []string{"250-captest", "250-AUTH PLAIN"}
			if s.tlsConf != nil && !m.TLS {
				ext = append(ext, "250-STARTTLS")
			}
			for _, e := range ext {
				w.WriteString(e + "\r\n")
			}
			reply("250 8BITMIME")
		case "STARTTLS":
			if s.tlsConf == nil {
				reply("502 no TLS")
				continue
			}
			reply("220 go ahead")
			tc := tls.Server(c, s.tlsConf)
			if tc.Handshake() != nil {
				return
			}
			c, r, w = tc, bufio.NewReader(tc), bufio.NewWriter(tc)
			m = Mail{TLS: true}
		case "AUTH":
			f := strings.Fields(arg)
			if len(f) != 2 || strings.ToUpper(f[0]) != "PLAIN" {
				reply("504 only PLAIN with an initial response")
				continue
			}
			b, _ := base64.StdEncoding.DecodeString(f[1])
			parts := strings.Split(string(b), "\x00")
			if len(parts) != 3 || (s.Password != "" && parts[2] != s.Password) {
				reply("535 authentication failed")
				continue
			}
			m.Auth = parts[1] + ":" + parts[2]
			reply("235 ok")
		case "MAIL":
			if s.Password != "" && m.Auth == "" {
				reply("530 authentication required")
				continue
			}
			m.From = addrArg(arg)
			reply("250 ok")
		case "RCPT":
			to := addrArg(arg)
			if to == s.RejectRcpt {
				reply("550 no such user")
				continue
			}
			m.To = append(m.To, to)
			reply("250 ok")
		case "DATA":
			reply("354 end with .")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(strings.TrimPrefix(l, "."))
			}
			m.Data = data.String()
			s.mu.Lock()
			s.mails = append(s.mails, m)
			s.mu.Unlock()
			m = Mail{TLS: m.TLS, Auth: m.Auth}
			reply("250 queued")
		case "RSET", "NOOP":
			reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 unknown command")
		}
	}
}

// addrArg reads the address out of "FROM:<a@b>" or "TO:<a@b> ...".
func addrArg(arg string) string {
	i, j := strings.Index(arg, "<"), strings.Index(arg, ">")
	if i < 0 || j < i {
		return ""
	}
	return arg[i+1 : j]
}
