// Command hostile is a test check plugin that misbehaves on request, so
// host tests can prove the sandbox contains it. Config "mode" picks:
//
//	ok      healthy, echoes the call context's monitor_id
//	spin    loops forever (stopped by the deadline)
//	recurse computes fib("size") by plain recursion: ~forever for size
//	        90, with a call depth of only "size" (stopped by the deadline)
//	sleep   sleeps an hour (WASI poll_oneoff; stopped by the deadline)
//	fetch   GETs config "fetch" (which may lie outside the target "url")
//	big     returns an Output whose message is "size" bytes
//	panic   panics outside the SDK's recover (a trap: exit code 2)
//	env     reports the number of environment variables it can see
//	file    tries to read /etc/passwd
//	log     writes to stdout and through sdk.Log
//	memory  allocates "size" bytes
//	loop    runs "size" iterations of a tight arithmetic loop (benchmarks
//	        the per-iteration cost of deadline checks)
//	now     makes "size" host calls to the now capability (benchmarks the
//	        host-function round trip)
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/runbookhq/runbook/sdk"
)

type Config struct {
	URL   string `json:"url"`
	Mode  string `json:"mode"`
	Fetch string `json:"fetch"`
	Size  int    `json:"size"`
}

var sink [][]byte

func check(ctx sdk.Context, cfg Config) sdk.Output {
	switch cfg.Mode {
	case "ok":
		return sdk.Healthy("monitor %s", ctx.MonitorID)
	case "spin":
		n := 0
		for {
			n++
		}
	case "recurse":
		return sdk.Healthy("fib %d", fib(cfg.Size))
	case "sleep":
		time.Sleep(time.Hour)
		return sdk.Healthy("slept an hour")
	case "fetch":
		resp, err := sdk.HTTP(sdk.HTTPRequest{URL: cfg.Fetch})
		if err != nil {
			return sdk.Failed("%v", err)
		}
		return sdk.Healthy("status %d", resp.Status)
	case "big":
		return sdk.Healthy("%s", strings.Repeat("x", cfg.Size))
	case "panic":
		go func() { panic("hostile panic") }() // not recoverable by the SDK
		select {}
	case "env":
		return sdk.Healthy("env %d", len(os.Environ()))
	case "file":
		_, err := os.ReadFile("/etc/passwd")
		if err != nil {
			return sdk.Failed("read: %v", err)
		}
		return sdk.Healthy("read /etc/passwd")
	case "log":
		fmt.Println("hello from stdout")
		sdk.Log("warn", "hello from sdk.Log", "k", 1)
		return sdk.Healthy("logged")
	case "loop":
		x := uint64(1)
		for i := 0; i < cfg.Size; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
		return sdk.Healthy("loop %d", x&1)
	case "now":
		for range cfg.Size {
			if _, err := sdk.Now(); err != nil {
				return sdk.Failed("now: %v", err)
			}
		}
		return sdk.Healthy("now %d", cfg.Size)
	case "echo": // what arrived, for the tests comparing the two call paths
		b, err := json.Marshal(ctx)
		if err != nil {
			return sdk.Failed("%v", err)
		}
		out := sdk.Healthy("%s", b)
		out.Metrics = map[string]float64{"size": float64(cfg.Size), "half": 0.5, "tiny": 1e-9}
		return out
	case "memory":
		sink = append(sink, make([]byte, cfg.Size))
		return sdk.Healthy("allocated %d", cfg.Size)
	}
	return sdk.Unknown("unknown mode %q", cfg.Mode)
}

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

func init() {
	sdk.Check(sdk.Manifest{
		Name:         "hostile",
		Version:      "0.0.1",
		Config:       json.RawMessage(`{"type":"object"}`),
		Capabilities: []string{"http"},
		Target:       "url",
	}, check)
}

func main() {}
