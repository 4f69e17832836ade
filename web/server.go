package web

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/runbookhq/runbook/host/lock"
	"github.com/tetratelabs/wazero"

	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine/secret"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
)

// Validator asks a plugin whether a config is acceptable (a *host.Host).
type Validator interface {
	Validate(ctx context.Context, plugin, version string, config json.RawMessage) ([]abi.FieldError, error)
}

// Catalog lists the plugins the deployment may load, with their manifests;
// the web builds its monitor and reaction forms from them. *host.Host is one.
type Catalog interface {
	Plugins() []host.PluginInfo
}

// Config of the web app.
type Config struct {
	Store store.Store
	// Zones a monitor may name; its default zone is the first.
	Zones   []string
	Plugins Validator
	// Catalog defaults to Plugins when that also lists plugins.
	Catalog   Catalog
	Logger    *slog.Logger
	BodyLimit int // bytes, default 1 MiB
	// SessionKey peppers the hashes of session secrets; random when empty
	// (then sessions end when the process does).
	SessionKey []byte
	// SignupPlan is the plan new accounts get (default "free").
	SignupPlan string
	// DisableSignup closes self-service sign-up (admins still exist).
	DisableSignup bool
	// TravisPublicKeys (PEM) verify Travis CI notifications of monitors
	// that have no key of their own.
	TravisPublicKeys []string
	// PollInterval is how often live pages look for changes (default 1s).
	PollInterval time.Duration
	// SecureCookies marks cookies Secure (set it behind TLS).
	SecureCookies bool
	// MonitorIndexLimit bounds the monitors kept in memory over all
	// accounts for the dashboard and live streams (default 100,000,
	// about 50-100 MB); see monitorIndex.
	MonitorIndexLimit int
	// Secrets seals the secrets users give monitors and reactions; without
	// it, requests that set secrets are refused (nothing is kept in the
	// clear). `runbook up` loads it from <data>/secret.key.
	Secrets *secret.Box
	// PublicURL is how users reach this server ("https://runbook.example"),
	// so pages show webhook URLs in full; "" shows paths only.
	PublicURL string
	// PluginCache, when set, is the compilation cache plugin uploads are
	// inspected with (the plugin host's), so a push compiles only once.
	PluginCache wazero.CompilationCache
	// ZoneRedis reaches each zone's Redis, so plugin pushes prepare the
	// version on every node before promoting it (WithZoneRedis).
	ZoneRedis map[string]redis.UniversalClient
	// PluginBaseline is the plugins.lock the zones' nodes run
	// (WithPluginBaseline).
	PluginBaseline []lock.Entry
	// SwitchTimeout bounds how long a rollback waits for every node to
	// serve the previous version (0: rollout.DefaultSwitchTimeout).
	SwitchTimeout time.Duration
	// LoginLimit and HookLimit bound requests per client address per
	// minute to the login/sign-up forms and to the webhook, heartbeat and
	// integration endpoints (defaults 10 and 600; negative disables).
	LoginLimit int
	HookLimit  int

	// limitClock, when set, is the rate limiters' clock: tests fix it so
	// a burst never straddles a window edge.
	limitClock func() time.Time
}

// Server holds the app and what handlers share.
type Server struct {
	cfg      Config
	app      *fiber.App
	log      *slog.Logger
	live     *liveHub
	monitors *monitorIndex
	sealed   *sealedCache
	names    secretNameCache
}

// New builds the app with every route.
func New(cfg Config, opts ...Option) *Server {
	for _, o := range opts {
		o(&cfg)
	}
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
	if cfg.SignupPlan == "" {
		cfg.SignupPlan = PlanFree
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.LoginLimit == 0 {
		cfg.LoginLimit = defaultLoginLimit
	}
	if cfg.HookLimit == 0 {
		cfg.HookLimit = defaultHookLimit
	}
	if cfg.MonitorIndexLimit == 0 {
		cfg.MonitorIndexLimit = 100_000
	}
	if cfg.Catalog == nil {
		if c, ok := cfg.Plugins.(Catalog); ok {
			cfg.Catalog = c
		}
	}
	s := &Server{cfg: cfg, log: cfg.Logger.With("component", "web")}
	s.live = newLiveHub(s)
	s.sealed = newSealedCache(500_000) // ~150 MB at most
	s.monitors = newMonitorIndex(cfg.Store.ListMonitors, cfg.PollInterval, cfg.MonitorIndexLimit)
	s.app = fiber.New(fiber.Config{
		AppName: "runbook",
		// The transport admits plugin uploads; every other route is held
		// to cfg.BodyLimit by limitBody.
		BodyLimit:             max(cfg.BodyLimit, maxPluginUpload),
		ErrorHandler:          s.errorHandler,
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		// No WriteTimeout: live pages stream server-sent events for as
		// long as the tab is open.
		IdleTimeout: 2 * time.Minute,
	})
	s.routes()
	return s
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
		s.live.close()
		return s.app.ShutdownWithTimeout(5 * time.Second)
	}
}
