package host

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"time"

	"github.com/runbookhq/runbook/host/abi"
)

func init() {
	RegisterCapability(Capability{Name: abi.CapTCP, Handle: handleTCP})
}

// maxTCPReply caps what a probe reads back: a banner or a short protocol
// answer, never a stream.
const maxTCPReply = 64 << 10

func handleTCP(ctx context.Context, env Env, raw json.RawMessage) (any, error) {
	var r abi.TCPRequest
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, badRequest("tcp: %v", err)
	}
	host, port, err := env.CheckHostPort("tcp", r.Address, "")
	if err != nil {
		return nil, err
	}
	var re *regexp.Regexp
	if r.ExpectRegex && r.Expect != "" {
		if re, err = regexp.Compile(r.Expect); err != nil {
			return nil, badRequest("tcp: expect: %v", err)
		}
	}
	limit := maxTCPReply
	if r.MaxReplyBytes > 0 {
		limit = min(r.MaxReplyBytes, maxTCPReply)
	}
	ctx, cancel := requestTimeout(ctx, r.TimeoutMS)
	defer cancel()

	start := time.Now()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, fmt.Errorf("tcp: connect %s: %w", r.Address, netCause(ctx, err))
	}
	defer conn.Close()
	resp := abi.TCPResponse{RemoteAddr: conn.RemoteAddr().String()}
	resp.Timing.ConnectMS = ms(time.Since(start))
	// The deadline covers send and read: a silent peer cannot hold the
	// call past its budget.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()

	if len(r.Send) > 0 {
		if _, err := conn.Write(r.Send); err != nil {
			return nil, fmt.Errorf("tcp: send to %s: %w", r.Address, netCause(ctx, err))
		}
	}
	if r.Expect != "" || r.Read {
		match := func(b []byte) bool {
			switch {
			case r.Expect == "":
				return false
			case re != nil:
				return re.Match(b)
			default:
				return bytes.Contains(b, []byte(r.Expect))
			}
		}
		reply, matched, truncated, first, err := readReply(conn, limit, match)
		resp.Reply, resp.Matched, resp.Truncated = reply, matched, truncated
		if !first.IsZero() {
			resp.Timing.FirstByteMS = ms(first.Sub(start))
		}
		// A timeout while waiting for more is how a reply without Expect
		// ends; only report it when nothing useful arrived.
		if err != nil && !(errors.Is(err, os.ErrDeadlineExceeded) && (len(reply) > 0 || r.Expect != "")) {
			return nil, fmt.Errorf("tcp: read from %s: %w", r.Address, netCause(ctx, err))
		}
	}
	resp.Timing.TotalMS = ms(time.Since(start))
	return resp, nil
}

// readReply reads until match says yes, the peer closes, limit bytes are
// read, or the connection's deadline passes (returned as the error).
func readReply(conn net.Conn, limit int, match func([]byte) bool) (reply []byte, matched, truncated bool, first time.Time, err error) {
	buf := make([]byte, 0, min(limit, 4096))
	chunk := make([]byte, 4096)
	for {
		n, rerr := conn.Read(chunk[:min(len(chunk), limit-len(buf))])
		if n > 0 && first.IsZero() {
			first = time.Now()
		}
		buf = append(buf, chunk[:n]...)
		if match(buf) {
			return buf, true, false, first, nil
		}
		if len(buf) >= limit {
			return buf, false, true, first, nil
		}
		if errors.Is(rerr, io.EOF) {
			return buf, false, false, first, nil
		}
		if rerr != nil {
			return buf, false, false, first, rerr
		}
	}
}

// netCause replaces an i/o timeout caused by the call's context with the
// context's reason, so the plugin reads "deadline exceeded" rather than a
// socket detail.
func netCause(ctx context.Context, err error) error {
	if ctx.Err() != nil && (errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return err
}
