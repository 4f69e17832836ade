package host

import (
	"context"
	"fmt"
	"net"
	"sync"

	"github.com/runbookhq/runbook/host/abi"
)

// ErrCodeDryRun is the host-call error a plugin gets for a network action
// refused because the call is a dry run.
const ErrCodeDryRun = "dry_run"

// dryRunRecord collects what a dry-run call tried to reach. Every
// capability that acts on the network asks Env.CheckAddress first, so
// refusing there covers http, tcp, smtp, ssh, dns, tls and icmp alike,
// and a plugin cannot act around it. Only scheme, host and port are kept:
// paths and bodies can hold secrets (a Slack webhook URL is one).
type dryRunRecord struct {
	mu    sync.Mutex
	reach []string
}

type dryRunKey struct{}

func withDryRun(ctx context.Context, r *dryRunRecord) context.Context {
	return context.WithValue(ctx, dryRunKey{}, r)
}

func dryRunFrom(ctx context.Context) *dryRunRecord {
	r, _ := ctx.Value(dryRunKey{}).(*dryRunRecord)
	return r
}

// refuse records the attempt and refuses it; a nil record allows.
func (r *dryRunRecord) refuse(scheme, host, port string) error {
	if r == nil {
		return nil
	}
	addr := host
	if port != "" {
		addr = net.JoinHostPort(host, port)
	}
	if scheme != "" {
		addr = scheme + "://" + addr
	}
	r.mu.Lock()
	r.reach = append(r.reach, addr)
	r.mu.Unlock()
	return &abi.HostError{Code: ErrCodeDryRun, Message: fmt.Sprintf("dry run: %s not contacted", addr)}
}

// isDryRun reports whether err is refuse's refusal.
func isDryRun(err error) bool {
	he, ok := err.(*abi.HostError)
	return ok && he.Code == ErrCodeDryRun
}

func (r *dryRunRecord) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.reach...)
}
