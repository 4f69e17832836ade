package web

import (
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Rate limits per client address (c.IP(); behind a proxy every client
// shares the proxy's address, so limit there instead).
//
// This is a small sliding-window limiter rather than fiber's limiter
// middleware: that middleware would do, but it pulls in
// github.com/tinylib/msgp, a module this build does not have yet, and
// adding modules is not the web's call. Both count per process in memory;
// with N web processes a client gets N times the budget, which still
// bounds password guessing and hook floods to a small constant factor.
const (
	defaultLoginLimit = 10  // login/sign-up posts per address per minute
	defaultHookLimit  = 600 // webhook/heartbeat/integration calls per address per minute
	limitWindow       = time.Minute
	// limiterKeys bounds the addresses one limiter tracks (~100 bytes
	// each); past it, windows that ended are dropped, then the limiter
	// refuses new addresses rather than growing (a spoofed-address flood).
	limiterKeys = 100_000
)

// window counts one address's requests in the current and previous
// fixed windows; their weighted sum approximates a sliding window.
type window struct {
	start      time.Time
	prev, curr int
}

type limiter struct {
	max int
	mu  sync.Mutex
	m   map[string]*window
	now func() time.Time
}

// allow counts a request of key and reports whether it is within the
// limit, and if not how long until it would be.
func (l *limiter) allow(key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.m[key]
	if w == nil {
		if len(l.m) >= limiterKeys {
			l.sweep(now)
			if len(l.m) >= limiterKeys {
				return false, limitWindow
			}
		}
		w = &window{start: now.Truncate(limitWindow)}
		l.m[key] = w
	}
	switch el := now.Sub(w.start); {
	case el >= 2*limitWindow:
		w.start, w.prev, w.curr = now.Truncate(limitWindow), 0, 0
	case el >= limitWindow:
		w.start, w.prev, w.curr = w.start.Add(limitWindow), w.curr, 0
	}
	into := now.Sub(w.start)
	weight := float64(limitWindow-into) / float64(limitWindow)
	if float64(w.prev)*weight+float64(w.curr) >= float64(l.max) {
		return false, limitWindow - into
	}
	w.curr++
	return true, 0
}

func (l *limiter) sweep(now time.Time) {
	for k, w := range l.m {
		if now.Sub(w.start) >= 2*limitWindow {
			delete(l.m, k)
		}
	}
}

func newLimiter(max int, clock func() time.Time) *limiter {
	if clock == nil {
		clock = time.Now
	}
	return &limiter{max: max, m: map[string]*window{}, now: clock}
}

// rateLimit returns a handler counting requests against l (shared by the
// routes that share a budget), answering HTML or JSON when over; it passes
// everything when l's max is negative (disabled).
func (s *Server) rateLimit(name string, l *limiter, html bool) fiber.Handler {
	if l.max < 0 {
		return func(c *fiber.Ctx) error { return c.Next() }
	}
	return func(c *fiber.Ctx) error {
		ok, wait := l.allow(c.IP())
		if ok {
			return c.Next()
		}
		retry := int(wait.Seconds()) + 1
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retry))
		s.log.Warn("rate limited", "limit", name, "addr", c.IP())
		c.Status(fiber.StatusTooManyRequests)
		if html {
			c.Type("html", "utf-8")
			return c.SendString("<!doctype html><title>Too many attempts</title><p>Too many attempts from your address. Try again in " + strconv.Itoa(retry) + " seconds.</p>")
		}
		return c.JSON(fiber.Map{"error": fiber.Map{
			"code": "rate_limited", "message": "too many requests from your address; retry in " + strconv.Itoa(retry) + " s", "retry_after": retry,
		}})
	}
}
