package bolt

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// BenchmarkAddHistory measures history writes in batches the way the
// actioner and write-behind replay issue them, with fsync on (the default)
// and off. It reports rows/s; ns/op is per batch.
func BenchmarkAddHistory(b *testing.B) {
	for _, sync := range []bool{true, false} {
		for _, batch := range []int{1, 100, 1000} {
			b.Run(fmt.Sprintf("sync=%t/batch=%d", sync, batch), func(b *testing.B) {
				var opts []Option
				if !sync {
					opts = append(opts, WithNoSync())
				}
				s := openTemp(b, opts...)
				ctx := context.Background()
				start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
				rows := make([]engine.Result, batch)
				n := 0
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					for j := range rows {
						at := start.Add(time.Duration(n) * time.Millisecond)
						mon := fmt.Sprintf("m%d", n%1000)
						rows[j] = engine.Result{
							ID: engine.ResultID(mon, "z1", at), MonitorID: mon, Zone: "z1",
							Source: engine.SourceCheck, Status: engine.StatusHealthy, Message: "200 OK",
							Metrics:     map[string]float64{"status": 200},
							Duration:    engine.Duration(3 * time.Millisecond),
							ScheduledAt: at, FinishedAt: at.Add(3 * time.Millisecond), Plugin: "http-status",
						}
						n++
					}
					if err := s.AddHistory(ctx, rows...); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}

// BenchmarkHistoryRead reads one monitor's newest 100 rows out of 100,000.
func BenchmarkHistoryRead(b *testing.B) {
	s := openTemp(b, WithNoSync())
	ctx := context.Background()
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	rows := make([]engine.Result, 0, 1000)
	for n := 0; n < 100_000; n++ {
		at := start.Add(time.Duration(n) * time.Millisecond)
		mon := fmt.Sprintf("m%d", n%100)
		rows = append(rows, engine.Result{ID: engine.ResultID(mon, "z1", at), MonitorID: mon, FinishedAt: at})
		if len(rows) == cap(rows) {
			if err := s.AddHistory(ctx, rows...); err != nil {
				b.Fatal(err)
			}
			rows = rows[:0]
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got, err := s.History(ctx, "m42", store.HistoryQuery{Limit: 100})
		if err != nil || len(got) != 100 {
			b.Fatalf("read: %d rows, %v", len(got), err)
		}
	}
}

// BenchmarkAddHistoryZone is the journal flusher's write at capacity: one
// zone of 100,000 monitors, each batch a slice of consecutive results of
// distinct monitors (what 500 ms at 10,000/s holds), into a store that
// already holds a few rounds of them, so the per-monitor index is as wide
// as it is in production. It reports CPU per row (getrusage), which is
// what the layout changes.
func BenchmarkAddHistoryZone(b *testing.B) {
	const monitors, batch = 100_000, 5000
	s := openTemp(b)
	ctx := context.Background()
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	rows := make([]engine.Result, batch)
	fill := func() {
		for j := range rows {
			at := start.Add(time.Duration(n) * 100 * time.Microsecond)
			mon := fmt.Sprintf("m%06d", (n*7919)%monitors) // spread like a real claim order
			rows[j] = engine.Result{
				ID: engine.ResultID(mon, "z1", at), MonitorID: mon, Zone: "z1",
				Source: engine.SourceCheck, Status: engine.StatusHealthy,
				Duration:    engine.Duration(250 * time.Microsecond),
				ScheduledAt: at, FinishedAt: at.Add(250 * time.Microsecond), Plugin: "fixed", Digest: "native",
			}
			n++
		}
	}
	for n < 3*monitors {
		fill()
		if err := s.AddHistory(ctx, rows...); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	var u0, u1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &u0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fill()
		if err := s.AddHistory(ctx, rows...); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &u1)
	cpu := time.Duration(syscall.TimevalToNsec(u1.Utime) - syscall.TimevalToNsec(u0.Utime) +
		syscall.TimevalToNsec(u1.Stime) - syscall.TimevalToNsec(u0.Stime))
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*batch), "cpu-us/row")
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "rows/s")
}
