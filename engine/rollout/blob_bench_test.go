package rollout_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine/rollout"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/host/lock"
	"github.com/runbookhq/runbook/zones"
	"github.com/runbookhq/runbook/zones/localredis/redistest"
)

// BenchmarkStageBlob: what writing the module to a zone Redis costs a
// push when a good copy is already there (every push after the first to
// a zone, and every re-push): the SETNX pushes used before (which kept a
// corrupt copy), a Lua script comparing the copy with the pushed bytes
// in Redis (blocking it meanwhile), and stageBlob: GET the copy, hash it
// here, write only when it is missing or corrupt.
//
//	go test -run='^$' -bench=StageBlob -count=3 ./engine/rollout/
func BenchmarkStageBlob(b *testing.B) {
	ctx := context.Background()
	rdb := redistest.Client(b, redistest.Start(b))
	wasm, err := os.ReadFile(hosttest.Wasm(b, "http-status")[0])
	if err != nil {
		b.Fatal(err)
	}
	e := lock.Entry{Name: "http-status", Version: "0.1.0", SHA256: lock.Digest(wasm)}
	key := zones.KeysFor("z").PluginBlob(e.SHA256)
	if err := rdb.Set(ctx, key, wasm, 0).Err(); err != nil {
		b.Fatal(err)
	}
	for _, v := range []struct {
		name string
		op   func() error
	}{
		{"setnx", func() error { return rdb.SetNX(ctx, key, wasm, 0).Err() }},
		{"compare-script", func() error { return compareScript.Run(ctx, rdb, []string{key}, wasm).Err() }},
		{"get-verify", func() error { _, err := rollout.StageBlob(ctx, rdb, "z", e, wasm); return err }},
	} {
		b.Run(v.name, func(b *testing.B) {
			r0, c0, t0 := redisCPU(b, rdb), cpuTime(), time.Now()
			for range b.N {
				if err := v.op(); err != nil {
					b.Fatal(err)
				}
			}
			n := float64(b.N)
			b.ReportMetric(float64(time.Since(t0).Microseconds())/n, "wall-us/op")
			b.ReportMetric(float64((cpuTime()-c0).Microseconds())/n, "cpu-us/op")
			b.ReportMetric(float64((redisCPU(b, rdb)-r0).Microseconds())/n, "redis-cpu-us/op")
			b.ReportMetric(float64(len(wasm))/1e6, "module-MB")
		})
	}
}

// compareScript is the design not taken: compare the copy with the
// pushed bytes inside Redis, replacing it when they differ.
var compareScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1`)

// redisCPU is the CPU the Redis server has used (INFO cpu).
func redisCPU(b *testing.B, rdb *redis.Client) time.Duration {
	info, err := rdb.Info(context.Background(), "cpu").Result()
	if err != nil {
		b.Fatal(err)
	}
	var total time.Duration
	for _, line := range strings.Split(info, "\r\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && (k == "used_cpu_sys" || k == "used_cpu_user") {
			f, _ := strconv.ParseFloat(v, 64)
			total += time.Duration(f * float64(time.Second))
		}
	}
	return total
}
