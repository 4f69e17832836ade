package host

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/lock"
)

// capProbe is a call in progress of a fake plugin, so capability handlers
// are tested through dispatch (grant check, target policy, envelope,
// denial log) without building a module.
type capProbe struct {
	st  *callState
	log *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newProbe makes a plugin of kind whose manifest is m, granted every
// capability m asks for, calling with config.
func newProbe(t *testing.T, m abi.Manifest, config any) *capProbe {
	t.Helper()
	if m.Kind == "" {
		m.Kind = abi.KindCheck
	}
	buf := &syncBuffer{}
	e := lock.Entry{Name: "probe", Version: "0.0.1", Kind: m.Kind, SHA256: "d16e57", Capabilities: m.Capabilities}
	p := &plugin{
		h:        &Host{cfg: Config{}.withDefaults(), transport: newTransports()},
		entry:    e,
		manifest: m,
		allowed:  map[string]bool{},
		log:      slog.New(slog.NewTextHandler(buf, nil)).With("plugin", e.Name, "version", e.Version, "digest", e.SHA256),
	}
	for _, c := range m.Capabilities {
		p.allowed[c] = true
	}
	b, err := json.Marshal(config)
	if err != nil {
		t.Fatal(err)
	}
	return &capProbe{st: &callState{plugin: p, config: b}, log: buf}
}

// call runs capability name with req and decodes a result into res.
func (c *capProbe) call(t *testing.T, name string, req, res any) *abi.HostError {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return c.callCtx(t, ctx, name, req, res)
}

func (c *capProbe) callCtx(t *testing.T, ctx context.Context, name string, req, res any) *abi.HostError {
	t.Helper()
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	env, raw := dispatch(ctx, c.st, name, b)
	if env.Error != nil {
		return env.Error
	}
	if raw != nil {
		r, ok := res.(*abi.HTTPResponse)
		if !ok {
			t.Fatalf("%s: a raw reply, but the probe wants %T", name, res)
		}
		if err := abi.DecodeHTTPResponseBinary(raw, r); err != nil {
			t.Fatalf("decode %s binary result: %v", name, err)
		}
		return nil
	}
	if res != nil {
		if err := json.Unmarshal(env.Result, res); err != nil {
			t.Fatalf("decode %s result %s: %v", name, env.Result, err)
		}
	}
	return nil
}

// wantCode fails unless he has the code (nil means success).
func wantCode(t *testing.T, he *abi.HostError, code string) {
	t.Helper()
	got := ""
	if he != nil {
		got = he.Code
	}
	if got != code {
		t.Fatalf("error %v: want code %q", he, code)
	}
}
