package host

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"
	"github.com/runbookhq/runbook/host/abi"
)

func init() {
	RegisterCapability(Capability{Name: abi.CapDNS, Handle: handleDNS})
}

// hostResolvers are the servers asked when a request names none: the
// host's own, from /etc/resolv.conf. A variable so tests can substitute
// servers they run.
var hostResolvers = func() ([]string, error) { return readResolvConf("/etc/resolv.conf") }

func readResolvConf(path string) ([]string, error) {
	cc, err := dns.ClientConfigFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(cc.Servers) == 0 {
		return nil, fmt.Errorf("%s names no nameserver", path)
	}
	var out []string
	for _, s := range cc.Servers {
		out = append(out, net.JoinHostPort(s, cc.Port))
	}
	return out, nil
}

// handleDNS asks one server one question with miekg/dns rather than
// net.Resolver: the standard resolver cannot be pointed at a given server
// exactly (it falls back, searches domains and caches per platform), and
// cannot return MX/TXT/SRV/CAA records with their TTLs or the rcode.
func handleDNS(ctx context.Context, env Env, raw json.RawMessage) (any, error) {
	var r abi.DNSRequest
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, badRequest("dns: %v", err)
	}
	if r.Name == "" {
		return nil, badRequest("dns: name is empty")
	}
	// The name asked about is the monitor's target: a plugin may not use
	// lookups of other names as a side channel.
	if err := env.CheckHost(r.Name); err != nil {
		return nil, err
	}
	typeName := strings.ToUpper(r.Type)
	if typeName == "" {
		typeName = "A"
	}
	qtype, ok := dns.StringToType[typeName]
	if !ok {
		return nil, badRequest("dns: unknown record type %q", r.Type)
	}
	servers, err := dnsServers(env, r.Resolver)
	if err != nil {
		return nil, err
	}
	ctx, cancel := requestTimeout(ctx, r.TimeoutMS)
	defer cancel()

	msg := new(dns.Msg)
	msg.SetQuestion(dns.Fqdn(r.Name), qtype)
	msg.RecursionDesired = true
	var lastErr error
	for i, server := range servers {
		// Each server gets an equal share of what time is left, so a dead
		// first resolver does not use up the call (libc's rotation idea).
		sctx, scancel := ctx, context.CancelFunc(func() {})
		if dl, ok := ctx.Deadline(); ok && len(servers)-i > 1 {
			sctx, scancel = context.WithTimeout(ctx, time.Until(dl)/time.Duration(len(servers)-i))
		}
		in, rtt, err := exchange(sctx, msg, server, r.TCP)
		scancel()
		if err != nil {
			lastErr = err
			if ctx.Err() != nil {
				break
			}
			continue // the host's resolvers: try the next one, as libc does
		}
		resp := abi.DNSResponse{
			Rcode:         dns.RcodeToString[in.Rcode],
			Resolver:      server,
			Authoritative: in.Authoritative,
			RTTMS:         ms(rtt),
		}
		for _, rr := range in.Answer {
			if rec, ok := dnsRecord(rr, qtype); ok {
				resp.Records = append(resp.Records, rec)
			}
		}
		return resp, nil
	}
	return nil, fmt.Errorf("dns: %s %s via %s: %w", typeName, r.Name, strings.Join(servers, ", "), netCause(ctx, lastErr))
}

// exchange sends msg over UDP (TCP when asked) and retries over TCP when
// the UDP answer came back truncated, as resolvers do.
func exchange(ctx context.Context, msg *dns.Msg, server string, useTCP bool) (*dns.Msg, time.Duration, error) {
	network := "udp"
	if useTCP {
		network = "tcp"
	}
	c := &dns.Client{Net: network}
	in, rtt, err := c.ExchangeContext(ctx, msg, server)
	if err == nil && in.Truncated && !useTCP {
		c.Net = "tcp"
		in, rtt, err = c.ExchangeContext(ctx, msg, server)
	}
	return in, rtt, err
}

// dnsServers is the configured resolver, after the policy check, or the
// host's own resolvers.
func dnsServers(env Env, resolver string) ([]string, error) {
	if resolver == "" {
		servers, err := hostResolvers()
		if err != nil {
			return nil, fmt.Errorf("dns: no resolver given and the host's: %w", err)
		}
		return servers, nil
	}
	host, port, err := splitHostPort(resolver, "53")
	if err != nil {
		return nil, badRequest("dns: resolver %q: %v", resolver, err)
	}
	// The resolver must be the one the monitor's config names (manifest
	// field "resolver"), compared as written like every target.
	field := env.st.plugin.manifest.Resolver
	named := env.ConfigString(field)
	if named == "" {
		return nil, denied("dns: resolver %s is not named by the config (manifest resolver field %q)", resolver, field)
	}
	nh, np, err := splitHostPort(named, "53")
	if err != nil || normHost(nh) != normHost(host) || np != port {
		return nil, denied("dns: resolver %s is not the configured resolver %s", net.JoinHostPort(host, port), named)
	}
	return []string{net.JoinHostPort(host, port)}, nil
}

// dnsRecord renders an answer record of the asked type (CNAMEs met while
// asking for another type are skipped; asking for CNAME returns them).
func dnsRecord(rr dns.RR, qtype uint16) (abi.DNSRecord, bool) {
	h := rr.Header()
	if h.Rrtype != qtype {
		return abi.DNSRecord{}, false
	}
	rec := abi.DNSRecord{Name: h.Name, Type: dns.TypeToString[h.Rrtype], TTL: h.Ttl}
	switch v := rr.(type) {
	case *dns.A:
		rec.Value = v.A.String()
	case *dns.AAAA:
		rec.Value = v.AAAA.String()
	case *dns.CNAME:
		rec.Value = v.Target
	case *dns.NS:
		rec.Value = v.Ns
	case *dns.PTR:
		rec.Value = v.Ptr
	case *dns.MX:
		rec.Value = strconv.Itoa(int(v.Preference)) + " " + v.Mx
	case *dns.TXT:
		rec.Value = strings.Join(v.Txt, "")
	case *dns.SRV:
		rec.Value = fmt.Sprintf("%d %d %d %s", v.Priority, v.Weight, v.Port, v.Target)
	default:
		// Everything else in presentation format without the header.
		rec.Value = strings.TrimPrefix(rr.String(), h.String())
	}
	return rec, true
}
