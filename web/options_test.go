package web

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine/secret"
)

// Options carried by ctx reach the server before it serves: how
// `runbook up` hands the web its Box and public URL through node.
func TestListenAppliesContextOptions(t *testing.T) {
	e := newEnv(t)
	box, _ := secret.NewBox(bytes.Repeat([]byte{1}, secret.KeySize))
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(WithOptions(context.Background(), WithSecrets(box), WithPublicURL("https://rb.example/")))
	done := make(chan error, 1)
	go func() { done <- e.s.Listen(ctx, addr) }()
	defer func() { cancel(); <-done }()
	for i := 0; i < 100; i++ {
		if r, err := http.Get("http://" + addr + "/healthz"); err == nil {
			r.Body.Close()
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if e.s.cfg.Secrets != box || e.s.cfg.PublicURL != "https://rb.example" {
		t.Fatalf("options not applied: %v %q", e.s.cfg.Secrets, e.s.cfg.PublicURL)
	}
}
