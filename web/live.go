package web

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
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

// liveState is one poll's view; diff compares two. monitors may be a
// shared snapshot's map: read it, never write it.
type liveState struct {
	monitors map[string]liveMonitor
	summary  summary
	lastEv   string
	lastLog  string // newest reaction log (monitor page only)
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

// liveLog is a reaction log as the monitor page shows it, with the
// reaction's name (logs carry only its id).
type liveLog struct {
	engine.ReactionLog
	ReactionName string `json:"reaction_name"`
}

// liveLogRows is how many reaction logs the monitor page lists.
const liveLogRows = 50

// livePoll is one poll: the state to diff, the events to show and, for
// the monitor page, its reaction logs.
type livePoll struct {
	liveState
	events []engine.Event
	logs   []engine.ReactionLog
}

func (s *Server) pollLive(ctx context.Context, owner string, monitorID string) (livePoll, error) {
	var p livePoll
	if monitorID != "" {
		m, err := s.cfg.Store.GetMonitor(ctx, monitorID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return p, err
		}
		p.monitors = map[string]liveMonitor{}
		var ms []engine.Monitor
		if err == nil && m.Owner == owner {
			ms = []engine.Monitor{m}
			p.monitors[m.ID] = toLive(m)
		}
		p.summary = summarize(ms)
		if len(ms) > 0 {
			if p.logs, err = s.cfg.Store.ReactionLogs(ctx, monitorID, liveLogRows); err != nil {
				return p, err
			}
		}
	} else {
		// Every stream and page of one account shares one store read per
		// interval (monindex.go).
		sn, err := s.monitors.get(ctx, owner)
		if err != nil {
			return p, err
		}
		p.monitors, p.summary = sn.live, sn.summary
	}
	if len(p.monitors) > 0 {
		all, err := s.cfg.Store.Events(ctx, monitorID, 200)
		if err != nil {
			return p, err
		}
		for _, e := range all {
			if _, mine := p.monitors[e.MonitorID]; mine {
				p.events = append(p.events, e)
				if len(p.events) == 10 {
					break
				}
			}
		}
	}
	if len(p.events) > 0 {
		p.lastEv = p.events[0].ID
	}
	if len(p.logs) > 0 {
		p.lastLog = p.logs[0].ID
	}
	return p, nil
}

// namedLogs adds reaction names to logs for the page.
func (s *Server) namedLogs(ctx context.Context, owner string, logs []engine.ReactionLog) []liveLog {
	names := map[string]string{}
	if rs, err := s.cfg.Store.ListReactions(ctx, owner); err == nil {
		for _, r := range rs {
			names[r.ID] = r.Name
		}
	}
	out := make([]liveLog, len(logs))
	for i, l := range logs {
		out[i] = liveLog{ReactionLog: l, ReactionName: names[l.ReactionID]}
	}
	return out
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
		next, err := s.pollLive(ctx, owner, only)
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
				if writeEvent(w, "events", nonNil(next.events)) != nil {
					return
				}
				sent = true
			}
			// Reaction logs: the monitor page only, when a new one came.
			if only != "" && (first || prev.lastLog != next.lastLog) {
				if writeEvent(w, "logs", s.namedLogs(ctx, owner, next.logs)) != nil {
					return
				}
				sent = true
			}
			if sent {
				keepAlive = time.Now()
			}
			prev, first = next.liveState, false
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
