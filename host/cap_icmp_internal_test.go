package host

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
	"golang.org/x/net/icmp"
)

// pingAllowedUnprivileged reads ping_group_range the way the kernel
// applies it: unprivileged ping sockets work for groups within it.
func pingAllowedUnprivileged(t *testing.T) bool {
	b, err := os.ReadFile(pingGroupRange)
	if err != nil {
		return false
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return false
	}
	lo, err1 := strconv.Atoi(f[0])
	hi, err2 := strconv.Atoi(f[1])
	gid := os.Getgid()
	if err1 != nil || err2 != nil {
		return false
	}
	return lo <= gid && gid <= hi
}

// TestICMP pings 127.0.0.1 through each kind of socket the host tries.
// Which ones the OS allows is a fact of the machine (ping_group_range,
// root or CAP_NET_RAW); each case asserts what that fact implies: echoes
// answered, or the "unsupported" error naming the reason.
func TestICMP(t *testing.T) {
	m := abi.Manifest{Target: "host", Capabilities: []string{abi.CapICMP}}
	rawAllowed := func() bool {
		c, err := icmp.ListenPacket("ip4:icmp", "0.0.0.0")
		if err == nil {
			c.Close()
		}
		return err == nil
	}()
	for _, s := range icmpSockets {
		t.Run(s.kind, func(t *testing.T) {
			old := icmpSockets
			icmpSockets = []icmpSocket{s}
			t.Cleanup(func() { icmpSockets = old })
			allowed := rawAllowed
			if s.kind == "udp" {
				allowed = pingAllowedUnprivileged(t)
			}
			p := newProbe(t, m, map[string]any{"host": "127.0.0.1"})
			var res abi.PingResponse
			he := p.call(t, abi.CapICMP, abi.PingRequest{Host: "127.0.0.1", Count: 3, IntervalMS: 20, TimeoutMS: 2000}, &res)
			if !allowed {
				wantCode(t, he, abi.ErrCodeUnsupported)
				if !strings.Contains(he.Message, "ping_group_range") {
					t.Fatalf("message %q: want the reason", he.Message)
				}
				return
			}
			wantCode(t, he, "")
			if res.Sent != 3 || res.Received != 3 || len(res.RTTsMS) != 3 || res.Socket != s.kind ||
				res.MinMS <= 0 || res.MaxMS < res.AvgMS || res.Addr != "127.0.0.1" {
				t.Fatalf("got %+v; want 3 of 3 over %s", res, s.kind)
			}
		})
	}
}

// TestICMPForbidden: when the OS refuses every socket the plugin gets an
// "unsupported" error saying why, never a hang or a "failed" target.
func TestICMPForbidden(t *testing.T) {
	old := icmpListen
	icmpListen = func(network, address string) (*icmp.PacketConn, error) {
		return nil, &os.SyscallError{Syscall: "socket", Err: syscall.EPERM}
	}
	t.Cleanup(func() { icmpListen = old })
	p := newProbe(t, abi.Manifest{Target: "host", Capabilities: []string{abi.CapICMP}}, map[string]any{"host": "127.0.0.1"})
	he := p.call(t, abi.CapICMP, abi.PingRequest{Host: "127.0.0.1"}, nil)
	wantCode(t, he, abi.ErrCodeUnsupported)
	for _, want := range []string{"udp socket", "raw socket", "operation not permitted", "ping_group_range", "CAP_NET_RAW"} {
		if !strings.Contains(he.Message, want) {
			t.Errorf("message %q: want %q", he.Message, want)
		}
	}
}

func TestICMPPolicy(t *testing.T) {
	p := newProbe(t, abi.Manifest{Target: "host", Capabilities: []string{abi.CapICMP}}, map[string]any{"host": "127.0.0.1"})
	wantCode(t, p.call(t, abi.CapICMP, abi.PingRequest{Host: "127.0.0.2"}, nil), abi.ErrCodeDenied)
	wantCode(t, p.call(t, abi.CapICMP, abi.PingRequest{Host: "localhost"}, nil), abi.ErrCodeDenied)
	wantCode(t, p.call(t, abi.CapICMP, abi.PingRequest{}, nil), abi.ErrCodeBadRequest)
}
