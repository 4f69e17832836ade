package web

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/runbookhq/runbook/engine"
)

// Live pages get server-sent events. The server polls the store for the
// user's monitors every PollInterval and sends only what changed, so the
// store stays the only thing the web talks to, and a browser never polls.

type liveHub struct {
	s    *Server
	done chan struct{}
	once sync.Once
}

func newLiveHub(s *Server) *liveHub { return &liveHub{s: s, done: make(chan struct{})} }

func (h *liveHub) close() { h.once.Do(func() { close(h.done) }) }

// liveMonitor is the part of a monitor the dashboard shows.
type liveMonitor struct {
	ID       string        `json:"id"`
	Name     string        `json:"name"`
	Status   engine.Status `json:"status"`
	StatusAt time.Time     `json:"status_at,omitzero"`
	Paused   bool          `json:"paused"`
}

func toLive(m engine.Monitor) liveMonitor {
	return liveMonitor{ID: m.ID, Name: m.Name, Status: m.Status, StatusAt: m.StatusAt, Paused: m.Paused}
}

// liveState is one poll's view; diff compares two.
type liveState struct {
	monitors map[string]liveMonitor
	summary  summary
	lastEv   string
}

type liveDiff struct {
	Changed []liveMonitor `json:"changed"`
	Removed []string      `json:"removed"`
}

func diffLive(prev, next map[string]liveMonitor) liveDiff {
	d := liveDiff{Changed: []liveMonitor{}, Removed: []string{}}
	for id, m := range next {
		if p, ok := prev[id]; !ok || p != m {
			d.Changed = append(d.Changed, m)
		}
	}
	for id := range prev {
		if _, ok := next[id]; !ok {
			d.Removed = append(d.Removed, id)
		}
	}
	return d
}

func (s *Server) pollLive(ctx context.Context, owner string, monitorID string) (liveState, []engine.Event, error) {
	var ms []engine.Monitor
	if monitorID != "" {
		m, err := s.cfg.Store.GetMonitor(ctx, monitorID)
		if err != nil {
			return liveState{}, nil, err
		}
		if m.Owner == owner {
			ms = []engine.Monitor{m}
		}
	} else {
		var err error
		if ms, err = s.cfg.Store.ListMonitors(ctx, owner); err != nil {
			return liveState{}, nil, err
		}
	}
	st := liveState{monitors: make(map[string]liveMonitor, len(ms)), summary: summarize(ms)}
	mine := make(map[string]bool, len(ms))
	for _, m := range ms {
		st.monitors[m.ID] = toLive(m)
		mine[m.ID] = true
	}
	var evs []engine.Event
	if len(ms) > 0 {
		all, err := s.cfg.Store.Events(ctx, monitorID, 200)
		if err != nil {
			return st, nil, err
		}
		for _, e := range all {
			if mine[e.MonitorID] {
				evs = append(evs, e)
				if len(evs) == 10 {
					break
				}
			}
		}
	}
	if len(evs) > 0 {
		st.lastEv = evs[0].ID
	}
	return st, evs, nil
}

// apiStream streams "monitors" (a diff), "summary" and "events" events.
// ?monitor=ID narrows it to one monitor (the detail page).
func (s *Server) apiStream(c *fiber.Ctx) error {
	owner, only := user(c).ID, c.Query("monitor")
	if only != "" {
		if _, err := s.ownMonitorID(c.UserContext(), user(c), only); err != nil {
			return failErr(c, err)
		}
	}
	c.Set("Content-Type", "text/event-stream")
	c.Set("Cache-Control", "no-cache")
	c.Set("X-Accel-Buffering", "no")
	every := s.cfg.PollInterval
	done := s.live.done
	c.Context().SetBodyStreamWriter(fasthttp.StreamWriter(func(w *bufio.Writer) {
		s.streamLoop(w, owner, only, every, done)
	}))
	return nil
}

func (s *Server) streamLoop(w *bufio.Writer, owner, only string, every time.Duration, done <-chan struct{}) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var prev liveState
	first := true
	tick := time.NewTicker(every)
	defer tick.Stop()
	keepAlive := time.Now()
	for {
		next, evs, err := s.pollLive(ctx, owner, only)
		if err == nil {
			d := diffLive(prev.monitors, next.monitors)
			sent := false
			if first || len(d.Changed)+len(d.Removed) > 0 {
				if writeEvent(w, "monitors", d) != nil {
					return
				}
				sent = true
			}
			if first || fmt.Sprint(prev.summary) != fmt.Sprint(next.summary) {
				if writeEvent(w, "summary", next.summary) != nil {
					return
				}
				sent = true
			}
			if first || prev.lastEv != next.lastEv {
				if writeEvent(w, "events", nonNil(evs)) != nil {
					return
				}
				sent = true
			}
			if sent {
				keepAlive = time.Now()
			}
			prev, first = next, false
		} else if writeEvent(w, "error", fiber.Map{"message": "store unavailable; retrying"}) != nil {
			return
		}
		// A comment now and then finds closed connections and keeps
		// proxies from timing the stream out.
		if time.Since(keepAlive) > 15*time.Second {
			if _, err := w.WriteString(": keep-alive\n\n"); err != nil || w.Flush() != nil {
				return
			}
			keepAlive = time.Now()
		}
		select {
		case <-done:
			return
		case <-tick.C:
		}
	}
}

func writeEvent(w *bufio.Writer, name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, b); err != nil {
		return err
	}
	return w.Flush()
}
