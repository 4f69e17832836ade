package captest

import (
	"net"
	"testing"

	"github.com/miekg/dns"
)

// DNS serves records (in zone-file syntax, e.g. "www.test. 60 IN A
// 192.0.2.1") over UDP and TCP on one free loopback port, and returns its
// address. Names it has no record of any type for get NXDOMAIN.
func DNS(t testing.TB, records ...string) string {
	t.Helper()
	var rrs []dns.RR
	for _, s := range records {
		rr, err := dns.NewRR(s)
		if err != nil {
			t.Fatalf("captest: record %q: %v", s, err)
		}
		rrs = append(rrs, rr)
	}
	handler := dns.HandlerFunc(func(w dns.ResponseWriter, q *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(q)
		m.Authoritative = true
		known := false
		for _, rr := range rrs {
			h := rr.Header()
			if dns.CanonicalName(h.Name) != dns.CanonicalName(q.Question[0].Name) {
				continue
			}
			known = true
			if h.Rrtype == q.Question[0].Qtype {
				m.Answer = append(m.Answer, rr)
			}
		}
		if !known {
			m.Rcode = dns.RcodeNameError
		}
		_ = w.WriteMsg(m)
	})
	// UDP on a free port and TCP on the same one, for TCP queries and
	// truncation retries. The TCP port may be held by another process
	// (parallel test binaries): then try another port, a bounded number
	// of times.
	var (
		pc  net.PacketConn
		l   net.Listener
		err error
	)
	for range 20 {
		if pc, err = net.ListenPacket("udp", "127.0.0.1:0"); err != nil {
			t.Fatalf("captest: DNS udp: %v", err)
		}
		if l, err = net.Listen("tcp", pc.LocalAddr().String()); err == nil {
			break
		}
		pc.Close()
	}
	if err != nil {
		t.Fatalf("captest: DNS tcp: %v", err)
	}
	started := make(chan struct{}, 2)
	notify := func() { started <- struct{}{} }
	udp := &dns.Server{PacketConn: pc, Handler: handler, NotifyStartedFunc: notify}
	tcp := &dns.Server{Listener: l, Handler: handler, NotifyStartedFunc: notify}
	go udp.ActivateAndServe()
	go tcp.ActivateAndServe()
	<-started // Shutdown before a server started would leave it running
	<-started
	t.Cleanup(func() {
		_ = udp.Shutdown()
		_ = tcp.Shutdown()
	})
	return pc.LocalAddr().String()
}
