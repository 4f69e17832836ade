package host

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host/abi"
)

// echoServer answers each line with "+OK " and the line, after a banner.
func echoServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.Write([]byte("220 ready\r\n"))
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if strings.TrimSpace(line) == "BIG" {
						c.Write([]byte(strings.Repeat("x", 200<<10)))
						return
					}
					if strings.TrimSpace(line) == "SILENT" {
						time.Sleep(5 * time.Second)
						return
					}
					c.Write([]byte("+OK " + line))
				}
			}()
		}
	}()
	return l.Addr().String()
}

func TestTCP(t *testing.T) {
	addr := echoServer(t)
	host, port, _ := net.SplitHostPort(addr)
	m := abi.Manifest{Target: "host", TargetPort: "port", Capabilities: []string{abi.CapTCP}}
	cfg := map[string]any{"host": host, "port": port}

	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	closedAddr := closed.Addr().String()
	closed.Close()
	_, closedPort, _ := net.SplitHostPort(closedAddr)

	tests := []struct {
		name    string
		cfg     map[string]any
		req     abi.TCPRequest
		code    string
		check   func(t *testing.T, r abi.TCPResponse)
		errText string
	}{
		{name: "connect only", req: abi.TCPRequest{Address: addr},
			check: func(t *testing.T, r abi.TCPResponse) {
				if r.RemoteAddr != addr || r.Timing.ConnectMS <= 0 || len(r.Reply) != 0 {
					t.Errorf("got %+v", r)
				}
			}},
		{name: "banner", req: abi.TCPRequest{Address: addr, Expect: "ready"},
			check: func(t *testing.T, r abi.TCPResponse) {
				if !r.Matched || !strings.HasPrefix(string(r.Reply), "220") || r.Timing.FirstByteMS <= 0 {
					t.Errorf("got %+v", r)
				}
			}},
		{name: "send and expect substring", req: abi.TCPRequest{Address: addr, Send: []byte("PING\r\n"), Expect: "+OK PING"},
			check: func(t *testing.T, r abi.TCPResponse) {
				if !r.Matched {
					t.Errorf("not matched: %q", r.Reply)
				}
			}},
		{name: "send and expect regex", req: abi.TCPRequest{Address: addr, Send: []byte("PING\r\n"), Expect: `\+OK P[A-Z]+G`, ExpectRegex: true},
			check: func(t *testing.T, r abi.TCPResponse) {
				if !r.Matched {
					t.Errorf("not matched: %q", r.Reply)
				}
			}},
		{name: "expect not met before timeout", req: abi.TCPRequest{Address: addr, Expect: "never", TimeoutMS: 300},
			check: func(t *testing.T, r abi.TCPResponse) {
				if r.Matched || !strings.Contains(string(r.Reply), "ready") {
					t.Errorf("got %+v", r)
				}
			}},
		{name: "reply capped", req: abi.TCPRequest{Address: addr, Send: []byte("BIG\n"), Expect: "never", MaxReplyBytes: 1 << 20},
			check: func(t *testing.T, r abi.TCPResponse) {
				if !r.Truncated || len(r.Reply) != maxTCPReply {
					t.Errorf("reply %d bytes, truncated %v; want %d, true", len(r.Reply), r.Truncated, maxTCPReply)
				}
			}},
		{name: "bad regex", req: abi.TCPRequest{Address: addr, Expect: "(", ExpectRegex: true}, code: abi.ErrCodeBadRequest},
		{name: "no port", req: abi.TCPRequest{Address: host}, code: abi.ErrCodeBadRequest},
		{name: "another port denied", req: abi.TCPRequest{Address: closedAddr}, code: abi.ErrCodeDenied},
		{name: "another host denied", req: abi.TCPRequest{Address: "127.0.0.2:" + port}, code: abi.ErrCodeDenied},
		{name: "refused", cfg: map[string]any{"host": host, "port": closedPort}, req: abi.TCPRequest{Address: closedAddr},
			code: abi.ErrCodeFailed, errText: "refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cfg
			if tt.cfg != nil {
				c = tt.cfg
			}
			p := newProbe(t, m, c)
			var res abi.TCPResponse
			he := p.call(t, abi.CapTCP, tt.req, &res)
			wantCode(t, he, tt.code)
			if he != nil && !strings.Contains(he.Message, tt.errText) {
				t.Errorf("message %q: want %q", he.Message, tt.errText)
			}
			if tt.check != nil {
				tt.check(t, res)
			}
		})
	}
}

// TestTCPDeadline: a silent peer cannot hold a call past its deadline.
func TestTCPDeadline(t *testing.T) {
	addr := echoServer(t)
	p := newProbe(t, abi.Manifest{Target: "addr", Capabilities: []string{abi.CapTCP}}, map[string]any{"addr": addr})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	he := p.callCtx(t, ctx, abi.CapTCP, abi.TCPRequest{Address: addr, Send: []byte("SILENT\n"), Read: true}, nil)
	if time.Since(start) > 2*time.Second {
		t.Fatalf("took %s; the call's deadline was 300ms", time.Since(start))
	}
	// The banner arrived before the silence, so the read is a response.
	if he != nil {
		t.Fatalf("got %v; want the banner read so far", he)
	}
}

// TestDenialLogged: a denied call is logged with plugin, digest and target.
func TestDenialLogged(t *testing.T) {
	p := newProbe(t, abi.Manifest{Target: "host", TargetPort: "port", Capabilities: []string{abi.CapTCP}},
		map[string]any{"host": "127.0.0.1", "port": 2222})
	wantCode(t, p.call(t, abi.CapTCP, abi.TCPRequest{Address: "127.0.0.1:22"}, nil), abi.ErrCodeDenied)
	log := p.log.String()
	for _, want := range []string{"capability denied", "plugin=probe", "digest=d16e57", "target=127.0.0.1:2222", "capability=tcp"} {
		if !strings.Contains(log, want) {
			t.Errorf("log %q: want %q", log, want)
		}
	}
	// Not granted at all: denied before the handler runs.
	p = newProbe(t, abi.Manifest{Target: "host"}, map[string]any{"host": "127.0.0.1:22"})
	wantCode(t, p.call(t, abi.CapTCP, abi.TCPRequest{Address: "127.0.0.1:22"}, nil), abi.ErrCodeDenied)
}
