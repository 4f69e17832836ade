package web

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/host/abi"
)

// Validator asks a plugin whether a config is acceptable (a *host.Host).
type Validator interface {
	Validate(ctx context.Context, plugin, version string, config json.RawMessage) ([]abi.FieldError, error)
}

// Config of the web app.
type Config struct {
	Store store.Store
	// Zones a monitor may name; its default zone is the first.
	Zones     []string
	Plugins   Validator
	Logger    *slog.Logger
	BodyLimit int // bytes, default 1 MiB
	// SessionKey signs dashboard session cookies; random when empty (then
	// sessions end when the process does).
	SessionKey []byte
}

// Server holds the app and what handlers share.
type Server struct {
	cfg Config
	app *fiber.App
	log *slog.Logger
}

// New builds the app with every route.
func New(cfg Config) *Server {
	if cfg.BodyLimit == 0 {
		cfg.BodyLimit = 1 << 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if len(cfg.SessionKey) == 0 {
		cfg.SessionKey = make([]byte, 32)
		_, _ = rand.Read(cfg.SessionKey)
	}
	s := &Server{cfg: cfg, log: cfg.Logger.With("component", "web")}
	s.app = fiber.New(fiber.Config{
		AppName:               "runbook",
		BodyLimit:             cfg.BodyLimit,
		ErrorHandler:          errorHandler,
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
	})
	s.routes()
	return s
}

func (s *Server) routes() {
	s.app.Get("/", s.pageIndex)
	s.app.Post("/login", s.pageLogin)
	s.app.Post("/logout", s.pageLogout)
	s.app.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })

	api := s.app.Group("/api/v1", s.requireToken)
	api.Get("/monitors", s.listMonitors)
	api.Post("/monitors", s.createMonitor)
	api.Get("/monitors/:id", s.getMonitor)
	api.Put("/monitors/:id", s.updateMonitor)
	api.Delete("/monitors/:id", s.deleteMonitor)
	api.Get("/monitors/:id/history", s.monitorHistory)
	api.Get("/monitors/:id/events", s.monitorEvents)
	api.Get("/monitors/:id/reactionlogs", s.monitorReactionLogs)
	api.Get("/reactions", s.listReactions)
	api.Post("/reactions", s.createReaction)
	api.Get("/reactions/:id", s.getReaction)
	api.Put("/reactions/:id", s.updateReaction)
	api.Delete("/reactions/:id", s.deleteReaction)
}

// App exposes the fiber app (tests use App().Test).
func (s *Server) App() *fiber.App { return s.app }

// Listen serves on addr until ctx ends.
func (s *Server) Listen(ctx context.Context, addr string) error {
	errc := make(chan error, 1)
	go func() { errc <- s.app.Listen(addr) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return s.app.ShutdownWithTimeout(5 * time.Second)
	}
}
