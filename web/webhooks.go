package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// Webhook monitors are fed over HTTP by whatever watches the service. The
// URL carries the monitor id and a random token (192 bits); only the
// token's SHA-256 is stored and it is compared in constant time.

// issueWebhookToken makes a fresh token for m, keeping prev's provider
// secrets (rotation), and returns it for showing once.
func (s *Server) issueWebhookToken(ctx context.Context, m engine.Monitor, prev store.WebhookSecret) (*webhookIssued, error) {
	tok := randomString(24)
	prev.MonitorID, prev.Owner, prev.TokenHash, prev.UpdatedAt = m.ID, m.Owner, HashToken(tok), time.Now().UTC()
	if err := s.cfg.Store.PutWebhookSecret(ctx, prev); err != nil {
		return nil, err
	}
	w := &webhookIssued{Token: tok, Path: fmt.Sprintf("/api/v1/webhooks/%s/%s", m.ID, tok)}
	if m.Kind == engine.KindHeartbeat {
		w.Heartbeat = fmt.Sprintf("/api/v1/heartbeats/%s/%s", m.ID, tok)
	}
	w.URL, w.HeartbeatURL = s.fullURL(w.Path), s.fullURL(w.Heartbeat)
	return w, nil
}

// errBadHook is any failure to match monitor and token: one answer for an
// unknown monitor, a monitor without webhooks and a wrong token, so the
// endpoint confirms nothing to someone guessing.
var errBadHook = errors.New("unknown monitor or wrong token")

// hookMonitor authenticates a webhook call and returns its monitor and
// secrets.
func (s *Server) hookMonitor(c *fiber.Ctx) (engine.Monitor, store.WebhookSecret, error) {
	ctx := c.UserContext()
	id, tok := c.Params("monitor"), c.Params("token")
	w, err := s.cfg.Store.GetWebhookSecret(ctx, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return engine.Monitor{}, w, err
	}
	want := w.TokenHash
	if want == "" {
		// Compare anyway so a missing monitor costs the same time.
		want = "0000000000000000000000000000000000000000000000000000000000000000"
	}
	sum := sha256.Sum256([]byte(tok))
	got := hex.EncodeToString(sum[:])
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 || err != nil {
		return engine.Monitor{}, w, errBadHook
	}
	m, err := s.cfg.Store.GetMonitor(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && m.Owner != w.Owner) {
		return engine.Monitor{}, w, errBadHook
	}
	return m, w, err
}

func (s *Server) failHook(c *fiber.Ctx, err error) error {
	if errors.Is(err, errBadHook) {
		return fail(c, fiber.StatusNotFound, "not_found", errBadHook.Error())
	}
	var he *hookError
	if errors.As(err, &he) {
		return fail(c, he.status, he.code, he.msg, fieldReason{he.field, he.msg})
	}
	return failErr(c, err)
}

// hookError is a webhook request refused for its content or signature.
type hookError struct {
	status      int
	code, field string
	msg         string
}

func (e *hookError) Error() string { return e.msg }

func badPayload(field, format string, args ...any) error {
	return &hookError{fiber.StatusBadRequest, "invalid_payload", field, fmt.Sprintf(format, args...)}
}

func badSignature(field, format string, args ...any) error {
	return &hookError{fiber.StatusUnauthorized, "bad_signature", field, fmt.Sprintf(format, args...)}
}

// hookResult records a verdict for m and answers the sender.
func (s *Server) hookResult(c *fiber.Ctx, m engine.Monitor, src engine.Source, v verdict) error {
	if v.Ignore {
		return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"queued": false, "ignored": v.Message})
	}
	if m.Paused {
		return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"queued": false, "ignored": "monitor is paused"})
	}
	at, err := s.enqueueResult(c.UserContext(), m, src, v.Status, v.Message)
	if err != nil {
		return failErr(c, err)
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"queued": true, "monitor": m.ID, "status": v.Status, "at": at})
}

// webhookGeneric takes {"status": "healthy"|"failed", "message": "..."}.
func (s *Server) webhookGeneric(c *fiber.Ctx) error {
	m, _, err := s.hookMonitor(c)
	if err != nil {
		return s.failHook(c, err)
	}
	v, err := parseGeneric(c.Body(), string(c.Request().Header.ContentType()))
	if err != nil {
		return s.failHook(c, err)
	}
	return s.hookResult(c, m, engine.SourceWebhook, v)
}

// webhookAction is the URL-only form for senders that cannot send a body:
// .../healthy, .../failed, or .../status to read the state.
func (s *Server) webhookAction(c *fiber.Ctx) error {
	m, _, err := s.hookMonitor(c)
	if err != nil {
		return s.failHook(c, err)
	}
	switch a := c.Params("action"); a {
	case "healthy", "failed":
		msg := c.Query("message")
		if msg == "" {
			msg = "webhook: " + a
		}
		return s.hookResult(c, m, engine.SourceWebhook, verdict{Status: engine.Status(a), Message: msg})
	case "status":
		return s.hookStatus(c, m)
	default:
		return fail(c, fiber.StatusNotFound, "not_found", "action must be healthy, failed or status", fieldReason{"action", "unknown action " + a})
	}
}

// hookStatus is the monitor's state and its recent result counts, for
// scripts that want to check before acting.
func (s *Server) hookStatus(c *fiber.Ctx, m engine.Monitor) error {
	rows, err := s.cfg.Store.History(c.UserContext(), m.ID, store.HistoryQuery{Since: time.Now().Add(-24 * time.Hour), Limit: 5000})
	if err != nil {
		return failErr(c, err)
	}
	counts := map[engine.Status]int{engine.StatusHealthy: 0, engine.StatusFailed: 0, engine.StatusUnknown: 0}
	for _, r := range rows {
		counts[r.Status]++
	}
	return c.JSON(fiber.Map{"monitor": m.ID, "name": m.Name, "status": m.Status, "status_at": m.StatusAt, "paused": m.Paused, "counts_24h": counts})
}

// heartbeat records a ping; the engine fails the monitor when pings stop.
func (s *Server) heartbeat(c *fiber.Ctx) error {
	m, _, err := s.hookMonitor(c)
	if err != nil {
		return s.failHook(c, err)
	}
	if m.Kind != engine.KindHeartbeat {
		return fail(c, fiber.StatusBadRequest, "invalid", "monitor "+m.ID+" is not a heartbeat monitor", fieldReason{"monitor", "kind is " + string(m.Kind)})
	}
	msg := c.Query("message")
	if msg == "" {
		msg = "ping"
	}
	return s.hookResult(c, m, engine.SourceHeartbeat, verdict{Status: engine.StatusHealthy, Message: msg})
}

// integration takes a provider's own payload format.
func (s *Server) integration(c *fiber.Ctx) error {
	p, ok := providers[c.Params("provider")]
	if !ok {
		return fail(c, fiber.StatusNotFound, "not_found", "unknown provider", fieldReason{"provider", "want one of " + providerNames()})
	}
	m, w, err := s.hookMonitor(c)
	if err != nil {
		return s.failHook(c, err)
	}
	req := hookRequest{
		Body: c.Body(), ContentType: string(c.Request().Header.ContentType()),
		Header: c.Get, Query: c.Query, Secrets: w, TravisKeys: s.cfg.TravisPublicKeys, Now: time.Now(),
	}
	if err := p.verify(req); err != nil {
		s.log.Warn("webhook signature refused", "provider", c.Params("provider"), "monitor", m.ID, "err", err)
		return s.failHook(c, err)
	}
	v, err := p.parse(req)
	if err != nil {
		return s.failHook(c, err)
	}
	v.Message = c.Params("provider") + ": " + v.Message
	return s.hookResult(c, m, engine.SourceWebhook, v)
}
