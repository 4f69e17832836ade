package host

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"time"

	"github.com/runbookhq/runbook/host/abi"
	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

func init() {
	RegisterCapability(Capability{Name: abi.CapICMP, Handle: handleICMP})
}

// icmpListen opens an ICMP socket; tests replace it to see the host
// refuse cleanly when the OS forbids both kinds of socket.
var icmpListen = icmp.ListenPacket

// pingGroupRange is read to explain why unprivileged ping is refused.
var pingGroupRange = "/proc/sys/net/ipv4/ping_group_range"

// icmpSocket is one way to send echoes, tried in order: unprivileged
// "ping" datagram sockets first (no privilege needed where
// net.ipv4.ping_group_range allows the group), raw sockets second (root or
// CAP_NET_RAW).
type icmpSocket struct {
	kind            string // "udp" or "raw", reported to the plugin
	network4, addr4 string
	network6, addr6 string
}

var icmpSockets = []icmpSocket{
	{kind: "udp", network4: "udp4", addr4: "0.0.0.0", network6: "udp6", addr6: "::"},
	{kind: "raw", network4: "ip4:icmp", addr4: "0.0.0.0", network6: "ip6:ipv6-icmp", addr6: "::"},
}

func handleICMP(ctx context.Context, env Env, raw json.RawMessage) (any, error) {
	var r abi.PingRequest
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, badRequest("icmp: %v", err)
	}
	if r.Host == "" {
		return nil, badRequest("icmp: host is empty")
	}
	if err := env.CheckHost(r.Host); err != nil {
		return nil, err
	}
	count := min(max(r.Count, 1), 10)
	interval := time.Duration(max(r.IntervalMS, 10)) * time.Millisecond
	if r.IntervalMS == 0 {
		interval = 200 * time.Millisecond
	}
	timeoutMS := r.TimeoutMS
	if timeoutMS <= 0 {
		timeoutMS = 5000
	}
	ctx, cancel := requestTimeout(ctx, timeoutMS)
	defer cancel()

	ip, err := resolveOne(ctx, strings.Trim(r.Host, "[]"))
	if err != nil {
		return nil, fmt.Errorf("icmp: resolve %s: %w", r.Host, netCause(ctx, err))
	}
	conn, sock, err := openICMP(ip)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	p := pinger{conn: conn, ip: ip, sock: sock, id: rand.IntN(0xffff) + 1, count: count, interval: interval}
	resp, err := p.run()
	if err != nil && resp.Received == 0 && !errors.Is(err, os.ErrDeadlineExceeded) {
		return nil, fmt.Errorf("icmp: ping %s: %w", ip, netCause(ctx, err))
	}
	return resp, nil
}

// resolveOne returns the first address of host (an IP literal as is).
func resolveOne(ctx context.Context, host string) (net.IP, error) {
	if ip := net.ParseIP(host); ip != nil {
		return ip, nil
	}
	addrs, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil {
		return nil, err
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("no addresses for %s", host)
	}
	return addrs[0].IP, nil
}

// openICMP tries each socket kind and, when the OS refuses all of them,
// says what an operator can change.
func openICMP(ip net.IP) (*icmp.PacketConn, icmpSocket, error) {
	var errs []string
	for _, s := range icmpSockets {
		network, addr := s.network4, s.addr4
		if ip.To4() == nil {
			network, addr = s.network6, s.addr6
		}
		c, err := icmpListen(network, addr)
		if err == nil {
			return c, s, nil
		}
		errs = append(errs, fmt.Sprintf("%s socket: %v", s.kind, err))
	}
	why := "unprivileged ping sockets need the host's group in net.ipv4.ping_group_range"
	if b, err := os.ReadFile(pingGroupRange); err == nil {
		why += fmt.Sprintf(" (now %q, gid %d)", strings.Join(strings.Fields(string(b)), " "), os.Getgid())
	}
	why += " and raw sockets need root or CAP_NET_RAW"
	return nil, icmpSocket{}, &abi.HostError{Code: abi.ErrCodeUnsupported,
		Message: fmt.Sprintf("icmp: the OS forbids ICMP echo here: %s; %s", strings.Join(errs, "; "), why)}
}

// pinger sends count echoes and collects the replies that belong to it.
type pinger struct {
	conn     *icmp.PacketConn
	ip       net.IP
	sock     icmpSocket
	id       int
	count    int
	interval time.Duration
}

func (p pinger) run() (abi.PingResponse, error) {
	resp := abi.PingResponse{Addr: p.ip.String(), Socket: p.sock.kind}
	v6 := p.ip.To4() == nil
	var dst net.Addr = &net.IPAddr{IP: p.ip}
	if p.sock.kind == "udp" {
		dst = &net.UDPAddr{IP: p.ip}
	}
	sent := map[int]time.Time{}
	buf := make([]byte, 1500)
	var lastErr error
	for seq := 1; seq <= p.count; seq++ {
		if err := p.send(dst, seq, v6); err != nil {
			return resp, err
		}
		sent[seq] = time.Now()
		resp.Sent++
		// Wait for replies until the next echo is due (or, after the
		// last, until every echo is answered or the deadline passes).
		until := time.Now().Add(p.interval)
		for len(sent) > 0 && (seq == p.count || time.Now().Before(until)) {
			if seq < p.count {
				_ = p.conn.SetReadDeadline(until)
			} else {
				_ = p.conn.SetReadDeadline(time.Time{}) // the call's deadline, set on the conn
			}
			n, _, err := p.conn.ReadFrom(buf)
			if err != nil {
				if seq < p.count && errors.Is(err, os.ErrDeadlineExceeded) && time.Now().After(until) {
					break // next echo is due
				}
				lastErr = err
				return finish(resp), lastErr
			}
			if s, ok := p.reply(buf[:n], v6); ok {
				if t, ok := sent[s]; ok {
					resp.RTTsMS = append(resp.RTTsMS, ms(time.Since(t)))
					resp.Received++
					delete(sent, s)
				}
			}
		}
	}
	return finish(resp), nil
}

func (p pinger) send(dst net.Addr, seq int, v6 bool) error {
	var typ icmp.Type = ipv4.ICMPTypeEcho
	if v6 {
		typ = ipv6.ICMPTypeEchoRequest
	}
	m := icmp.Message{Type: typ, Body: &icmp.Echo{ID: p.id, Seq: seq, Data: []byte("runbook-ping")}}
	b, err := m.Marshal(nil)
	if err != nil {
		return fmt.Errorf("encode echo: %w", err)
	}
	if _, err := p.conn.WriteTo(b, dst); err != nil {
		return fmt.Errorf("send echo: %w", err)
	}
	return nil
}

// reply returns the sequence number of an echo reply meant for this
// pinger. A raw socket sees every ICMP packet of the host, so the id must
// match; a ping socket's id is rewritten by the kernel, which also does
// the filtering.
func (p pinger) reply(b []byte, v6 bool) (int, bool) {
	proto := 1
	if v6 {
		proto = 58
	}
	m, err := icmp.ParseMessage(proto, b)
	if err != nil || (m.Type != ipv4.ICMPTypeEchoReply && m.Type != ipv6.ICMPTypeEchoReply) {
		return 0, false
	}
	e, ok := m.Body.(*icmp.Echo)
	if !ok || (p.sock.kind == "raw" && e.ID != p.id) {
		return 0, false
	}
	return e.Seq, true
}

func finish(r abi.PingResponse) abi.PingResponse {
	for i, v := range r.RTTsMS {
		if i == 0 || v < r.MinMS {
			r.MinMS = v
		}
		r.MaxMS = max(r.MaxMS, v)
		r.AvgMS += v / float64(len(r.RTTsMS))
	}
	return r
}
