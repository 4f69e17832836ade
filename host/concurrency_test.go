package host_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/hosttest"
)

const rawabi = "host/testdata/plugins/rawabi"

// 1,000 concurrent calls across three plugins (an SDK plugin, a bare-ABI
// plugin and http-status on a real server): every output must carry what
// its own input asked for, so an instance that served two calls at once,
// or a pending host_call response delivered to the wrong call, shows up;
// and no plugin may ever have more live instances than the pool allows.
func TestThousandConcurrentCallsNoCrossTalk(t *testing.T) {
	const calls, poolSize = 1000, 3
	h := hosttest.NewWithConfig(t, host.Config{Entries: hosttest.Entries(t, hostile, rawabi, "http-status"), PoolSize: poolSize})
	// The server answers with the status the path asks for, so each
	// http-status call's message echoes its own input too.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		w.WriteHeader(code)
	}))
	t.Cleanup(srv.Close)

	var maxLive atomic.Int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() { // sample the pools while the calls run
		defer close(sampled)
		for {
			for _, p := range h.Plugins() {
				if n := int64(p.Instances); n > maxLive.Load() {
					maxLive.Store(n)
				}
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("m%d", i)
			var plugin, config, want string
			switch i % 3 {
			case 0:
				plugin, config, want = "hostile", `{"mode":"ok"}`, "monitor "+id
			case 1:
				plugin, config, want = "rawabi", fmt.Sprintf(`{"mode":"echo","say":"n%d"}`, i), fmt.Sprintf("n%d %s", i, id)
			case 2:
				code := 200 + i%7
				plugin, want = "http-status", fmt.Sprintf("status %d", code)
				config = fmt.Sprintf(`{"url":"%s/%d","codes":[%d]}`, srv.URL, code, code)
			}
			out, _, err := h.Call(ctx, host.Call{Plugin: plugin, Input: abi.Input{
				Config: []byte(config), Context: abi.CallContext{MonitorID: id}}})
			switch {
			case err != nil:
				errs <- fmt.Errorf("%s call %s: %w", plugin, id, err)
			case out.Status != abi.StatusHealthy || out.Message != want:
				errs <- fmt.Errorf("%s call %s got %+v; want healthy %q", plugin, id, out, want)
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-sampled
	close(errs)
	n := 0
	for err := range errs {
		if n++; n <= 10 {
			t.Error(err)
		}
	}
	if n > 0 {
		t.Errorf("%d of %d calls failed", n, calls)
	}
	if m := maxLive.Load(); m > poolSize {
		t.Errorf("a plugin had %d live instances; pool size is %d", m, poolSize)
	}
	for _, p := range h.Plugins() {
		if p.Instances > poolSize || p.Idle != p.Instances {
			t.Errorf("%s after the run: %d live, %d idle; want all idle, at most %d", p.Name, p.Instances, p.Idle, poolSize)
		}
	}
}
