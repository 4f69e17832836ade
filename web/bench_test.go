package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/store/bolt"
)

// benchServer is a web app on a bolt store holding n monitors of one user,
// with a session cookie and an API token for that user.
func benchServer(b *testing.B, n int) (s *Server, cookie, token string) {
	b.Helper()
	st, err := bolt.Open(filepath.Join(b.TempDir(), "runbook.db"), bolt.WithNoSync())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	ctx := context.Background()
	if err := st.PutUser(ctx, store.User{ID: "u1", Email: "u1@example.com", Plan: PlanUnlimited}); err != nil {
		b.Fatal(err)
	}
	statuses := []engine.Status{engine.StatusHealthy, engine.StatusHealthy, engine.StatusHealthy, engine.StatusFailed, engine.StatusUnknown}
	for i := 0; i < n; i++ {
		m := engine.Monitor{ID: fmt.Sprintf("m%05d", i), Owner: "u1", Name: fmt.Sprintf("Service %d", i), Kind: engine.KindScheduled,
			Check: "http-status", Config: json.RawMessage(fmt.Sprintf(`{"url":"https://svc%d.example.com/health","codes":[200]}`, i)),
			Interval: engine.Duration(time.Minute), Timeout: engine.Duration(10 * time.Second), Zones: []string{"z1"},
			Status: statuses[i%len(statuses)], CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if err := st.PutMonitor(ctx, m, nil); err != nil {
			b.Fatal(err)
		}
	}
	s = New(Config{Store: st, Zones: []string{"z1"}, Plugins: fakePlugins{}})
	b.Cleanup(s.live.close)
	secret := "bench-session"
	if err := st.PutSession(ctx, store.Session{Hash: s.sessionHash(secret), UserID: "u1", CSRF: "c", ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		b.Fatal(err)
	}
	tok, hash := NewToken()
	if err := st.PutToken(ctx, store.Token{Hash: hash, UserID: "u1", Name: "bench"}); err != nil {
		b.Fatal(err)
	}
	return s, sessionCookie + "=" + secret, tok
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchOpts shape a run: pace spaces the requests (zero: back to back),
// before runs ahead of each (untimed), live keeps a dashboard stream's
// poller reading the owner's monitors every PollInterval meanwhile.
type benchOpts struct {
	pace   time.Duration
	before func()
	live   bool
	// path, when set, names each request; repeat, when set, sees each
	// answer's headers and says whether the op goes on with another
	// request (a walk through pages is one op).
	path   func() string
	repeat func(http.Header) bool
}

// benchGet measures GET path and reports p50/p95 latency in ms.
func benchGet(b *testing.B, s *Server, path string, hdr ...string) {
	benchGetWith(b, s, benchOpts{}, path, hdr...)
}

func benchGetWith(b *testing.B, s *Server, o benchOpts, path string, hdr ...string) {
	if o.live {
		// What an open dashboard tab costs the server: its stream polls
		// (and so refreshes the index) every PollInterval, on the same
		// CPUs the requests use.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			t := time.NewTicker(s.cfg.PollInterval)
			defer t.Stop()
			for {
				_, _ = s.pollLive(ctx, "u1", "")
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}()
	}
	var lat []time.Duration
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		if o.before != nil {
			o.before()
		}
		start := time.Now()
		for more := true; more; {
			p := path
			if o.path != nil {
				p = o.path()
			}
			req := httptest.NewRequest("GET", p, nil)
			for j := 0; j+1 < len(hdr); j += 2 {
				req.Header.Set(hdr[j], hdr[j+1])
			}
			res, err := s.App().Test(req, -1)
			if err != nil {
				b.Fatal(err)
			}
			n, _ := io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || n == 0 {
				b.Fatalf("GET %s: %d (%d bytes)", p, res.StatusCode, n)
			}
			more = o.repeat != nil && o.repeat(res.Header)
		}
		d := time.Since(start)
		lat = append(lat, d)
		if o.pace > d {
			time.Sleep(o.pace - d)
		}
	}
	b.StopTimer()
	// Process CPU, so it includes the live poller and GC: what the
	// request rate costs the machine, not only the handler.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-us/op")
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(float64(s.monitors.reads.Load())/float64(b.N), "store-reads/req")
}

// The design's figure: dashboard and API p95 under 200 ms with 10,000
// monitors. Run: go test -run XXX -bench 'Web' -benchtime 100x ./web/
//
// The index (monindex.go) is refreshed every PollInterval, so a fair
// figure spans many refreshes: requests come 20 a second, with a live
// stream open, and the p95 includes those that wait for a store read.
var realistic = benchOpts{pace: 50 * time.Millisecond, live: true}

func BenchmarkWebDashboard10k(b *testing.B) {
	s, cookie, _ := benchServer(b, 10_000)
	benchGetWith(b, s, realistic, "/", "Cookie", cookie)
}

// Cold: every request reads the store, as the first one after a save or
// after a quiet second does.
func BenchmarkWebDashboard10kCold(b *testing.B) {
	s, cookie, _ := benchServer(b, 10_000)
	benchGetWith(b, s, benchOpts{before: func() { s.monitors.invalidate("u1") }}, "/", "Cookie", cookie)
}

func BenchmarkWebDashboardSearch10k(b *testing.B) {
	s, cookie, _ := benchServer(b, 10_000)
	benchGetWith(b, s, realistic, "/?q=service+99&state=failed", "Cookie", cookie)
}

func BenchmarkWebAPIMonitors10k(b *testing.B) {
	s, _, tok := benchServer(b, 10_000)
	benchGetWith(b, s, realistic, "/api/v1/monitors", "Authorization", "Bearer "+tok)
}

func BenchmarkWebAPIMonitors10kLimit1000(b *testing.B) {
	s, _, tok := benchServer(b, 10_000)
	benchGetWith(b, s, realistic, "/api/v1/monitors?limit=1000", "Authorization", "Bearer "+tok)
}

// What `runbook export` asks for: all 10,000 monitors, 1,000 a page,
// following X-Next-Cursor. One op is the whole walk of 10 requests.
func BenchmarkWebAPIMonitors10kExportWalk(b *testing.B) {
	s, _, tok := benchServer(b, 10_000)
	page := "/api/v1/monitors?limit=1000"
	cursor := ""
	pages := 0
	benchGetWith(b, s, benchOpts{live: true, repeat: func(h http.Header) bool {
		pages++
		if cursor = h.Get("X-Next-Cursor"); cursor != "" {
			page = "/api/v1/monitors?limit=1000&cursor=" + cursor
			return true
		}
		page = "/api/v1/monitors?limit=1000"
		return false
	}, path: func() string { return page }}, "", "Authorization", "Bearer "+tok)
	b.ReportMetric(float64(pages)/float64(b.N), "pages/op")
}

func BenchmarkWebAPISummary10k(b *testing.B) {
	s, _, tok := benchServer(b, 10_000)
	benchGetWith(b, s, realistic, "/api/v1/summary", "Authorization", "Bearer "+tok)
}

func BenchmarkWebMonitorPage10k(b *testing.B) {
	s, cookie, _ := benchServer(b, 10_000)
	benchGet(b, s, "/monitors/m05000", "Cookie", cookie)
}

// A monitor checked every minute for 30 days (43,200 raw rows) with a
// year of rollups behind it: the page computes uptime for 24h to 1y and
// the chart from all of it.
func BenchmarkWebMonitorPageMonthOfHistory(b *testing.B) {
	benchMonthPage(b, false)
}

func benchMonthPage(b *testing.B, cold bool) {
	s, cookie, _ := benchServer(b, 100)
	ctx := context.Background()
	now := time.Now().UTC()
	var rows []engine.Result
	flush := func() {
		if err := s.cfg.Store.AddHistory(ctx, rows...); err != nil {
			b.Fatal(err)
		}
		rows = rows[:0]
	}
	i := 0
	for at := now.Add(-365 * 24 * time.Hour); at.Before(now); i++ {
		st := engine.StatusHealthy
		if i%97 == 0 {
			st = engine.StatusFailed
		}
		rows = append(rows, engine.Result{ID: fmt.Sprintf("r%d", i), MonitorID: "m00050", Zone: "z1", Status: st,
			Duration: engine.Duration(time.Duration(20+i%30) * time.Millisecond), ScheduledAt: at, FinishedAt: at})
		if len(rows) == 5000 {
			flush()
		}
		// Older than raw history, rows every 30 minutes are enough to
		// build rollups from.
		if at.Before(now.Add(-31 * 24 * time.Hour)) {
			at = at.Add(30 * time.Minute)
		} else {
			at = at.Add(time.Minute)
		}
	}
	flush()
	if _, err := s.cfg.Store.Retain(ctx, now, store.DefaultRetention()); err != nil {
		b.Fatal(err)
	}
	o := benchOpts{}
	if cold {
		o.before = func() { s.sealed.forget("m00050") }
	}
	benchGetWith(b, s, o, "/monitors/m00050?range=30d", "Cookie", cookie)
}

// The first view of that monitor in sealedTTL: a month of raw rows read.
func BenchmarkWebMonitorPageMonthOfHistoryCold(b *testing.B) {
	benchMonthPage(b, true)
}
