package actioner_test

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// cmdStat is one line of INFO commandstats (commands a script runs are
// counted on their own line too, besides the EVALSHA that ran them).
type cmdStat struct{ calls, usec float64 }

func cmdStats(t testing.TB, rdb *redis.Client) map[string]cmdStat {
	info, err := rdb.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]cmdStat{}
	for _, line := range strings.Split(info, "\r\n") {
		name, rest, ok := strings.Cut(strings.TrimPrefix(line, "cmdstat_"), ":")
		if !ok || !strings.HasPrefix(line, "cmdstat_") {
			continue
		}
		var s cmdStat
		for _, kv := range strings.Split(rest, ",") {
			k, v, _ := strings.Cut(kv, "=")
			f, _ := strconv.ParseFloat(v, 64)
			switch k {
			case "calls":
				s.calls = f
			case "usec":
				s.usec = f
			}
		}
		out[name] = s
	}
	return out
}

// reportCmdStats logs, in one line, each command's calls per result and
// µs per call over the measured window, busiest first, and reports Redis
// commands per result (script-run commands included).
func reportCmdStats(b *testing.B, s0, s1 map[string]cmdStat, results float64) {
	if results <= 0 {
		return
	}
	type row struct {
		name string
		d    cmdStat
	}
	var rows []row
	var calls float64
	for name, v := range s1 {
		d := cmdStat{calls: v.calls - s0[name].calls, usec: v.usec - s0[name].usec}
		if d.calls <= 0 {
			continue
		}
		rows = append(rows, row{name, d})
		if name != "evalsha" && name != "eval" {
			calls += d.calls
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].d.usec > rows[j].d.usec })
	var sb strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&sb, " %s %.3f/result %.2fus/call;", r.name, r.d.calls/results, r.d.usec/r.d.calls)
	}
	b.Logf("redis window commandstats:%s", sb.String())
	// EVALSHA's usec includes the commands it ran, so those are the calls.
	b.ReportMetric(calls/results, "redis-cmds/result")
}
