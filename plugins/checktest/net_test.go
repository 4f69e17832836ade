package checktest

import (
	"bufio"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/internal/loopback"
	"golang.org/x/net/icmp"
)

// lineServer greets with a banner and answers "PING" with "PONG".
func lineServer(t *testing.T) (host string, port int) {
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
				c.Write([]byte("+READY\r\n"))
				line, _ := bufio.NewReader(c).ReadString('\n')
				if strings.TrimSpace(line) == "PING" {
					c.Write([]byte("+PONG\r\n"))
				}
			}()
		}
	}()
	h, p, _ := net.SplitHostPort(l.Addr().String())
	n, _ := strconv.Atoi(p)
	return h, n
}

// freePort is a port nothing listens on: reserved, so no other test's
// server can be given it while this one expects "refused".
func freePort(t *testing.T) int {
	p, err := loopback.Port()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTCPPort(t *testing.T) {
	p := load(t, "tcp-port")
	host, port := lineServer(t)
	closed := freePort(t)
	tests := []struct {
		name   string
		cfg    obj
		status string
		frag   string
	}{
		{"open", obj{"host": host, "port": port}, abi.StatusHealthy, "open"},
		{"closed", obj{"host": host, "port": closed, "timeout": 2}, abi.StatusFailed, "refused"},
		{"send and expect", obj{"host": host, "port": port, "send": "PING\r\n", "expect": "+PONG"}, abi.StatusHealthy, "open"},
		{"expect regex", obj{"host": host, "port": port, "expect": `^\+READY`, "expect_regex": true}, abi.StatusHealthy, "open"},
		{"expect not met", obj{"host": host, "port": port, "send": "HELLO\r\n", "expect": "+PONG", "timeout": 1}, abi.StatusFailed, "does not contain"},
		// A host field carrying another port than the port field is refused
		// by the host's target policy: unknown, nothing dialled.
		{"conflicting ports", obj{"host": host + ":" + strconv.Itoa(closed), "port": port}, abi.StatusUnknown, "config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { p.Expect(t, tt.cfg, nil, tt.status, tt.frag) })
	}
	t.Run("validate", func(t *testing.T) {
		p.Invalid(t, obj{"host": host}, "port")
		p.Invalid(t, obj{"host": host, "port": 70000}, "port")
		p.Invalid(t, obj{"host": "http://x", "port": 1}, "host")
		p.Invalid(t, obj{"host": host, "port": 1, "expect": "(", "expect_regex": true}, "expect")
		p.Valid(t, obj{"host": host, "port": port})
	})
}

// TestPing pings 127.0.0.1. Whether this machine lets the host open an
// ICMP socket (root/CAP_NET_RAW, or ping_group_range) decides between
// healthy and unknown-with-the-reason; both are asserted, never skipped.
func TestPing(t *testing.T) {
	p := load(t, "ping")
	if icmpAllowed() {
		out := p.Expect(t, obj{"host": "127.0.0.1", "count": 2, "timeout": 3}, nil, abi.StatusHealthy, "2/2 echoes answered by 127.0.0.1")
		if out.Metrics["loss_percent"] != 0 {
			t.Errorf("metrics %v", out.Metrics)
		}
	} else {
		p.Expect(t, obj{"host": "127.0.0.1"}, nil, abi.StatusUnknown, "forbids ICMP")
	}
	t.Run("validate", func(t *testing.T) {
		p.Invalid(t, obj{"host": "127.0.0.1", "count": 11}, "count")
		p.Invalid(t, obj{}, "host")
	})
}

// icmpAllowed says whether this process may open either socket the host
// tries (the host runs in this process).
func icmpAllowed() bool {
	for _, n := range []string{"udp4", "ip4:icmp"} {
		if c, err := icmp.ListenPacket(n, "0.0.0.0"); err == nil {
			c.Close()
			return true
		}
	}
	return false
}
