package node

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/errgroup"

	"github.com/runbookhq/runbook/bridge"
	"github.com/runbookhq/runbook/engine/actioner"
	"github.com/runbookhq/runbook/engine/broker"
	"github.com/runbookhq/runbook/engine/control"
	"github.com/runbookhq/runbook/engine/journal"
	"github.com/runbookhq/runbook/engine/rollout"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/worker"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/pluginsync"
	"github.com/runbookhq/runbook/web"
	"github.com/runbookhq/runbook/zones"
)

// Role is one component.
type Role string

const (
	RoleWeb      Role = "web"
	RoleBridge   Role = "bridge"
	RoleControl  Role = "control"
	RoleBroker   Role = "broker"
	RoleWorker   Role = "worker"
	RoleActioner Role = "actioner"
)

// AllRoles is what `runbook up` runs.
var AllRoles = []Role{RoleWeb, RoleBridge, RoleControl, RoleBroker, RoleWorker, RoleActioner}

// Options of a node.
type Options struct {
	Roles []Role
	Zones []zones.Config
	Store store.Store
	// Host serves the first zone's workers and actioners, and the web's
	// config validation; needed by worker, actioner and web.
	Host *host.Host
	// NewHost makes the host of every further zone (see zoneHosts):
	// required when one process runs workers or actioners for several
	// zones, so that each zone serves its own plugin versions.
	NewHost func(ctx context.Context, z zones.Config) (*host.Host, error)
	// HTTPAddr serves the web (with RoleWeb).
	HTTPAddr   string
	SessionKey []byte
	// MetricsAddr serves /metrics for roles without the web ("" = none).
	MetricsAddr string
	Logger      *slog.Logger
	// Ready, when set, is called once every component has started.
	Ready func()
	// Web options (secret box, public URL) for the web role.
	Web []web.Option
	// NodeID names this process in each zone's plugin node set (default
	// pluginsync.DefaultNodeID(): host, pid, random suffix).
	NodeID string
}

func (o *Options) has(r Role) bool {
	for _, x := range o.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Run starts the chosen components and blocks until ctx ends or one of
// them fails, then stops the rest.
func Run(ctx context.Context, o Options) error {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.NodeID == "" {
		o.NodeID = pluginsync.DefaultNodeID()
	}
	// A zone that fails to start stops the ones already running.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, ctx := errgroup.WithContext(ctx)
	hosts, closeHosts, err := zoneHosts(ctx, o)
	if err != nil {
		return err
	}
	// After every component has stopped: a host closed under a running
	// worker would fail its calls.
	defer closeHosts()
	unregister := registerPools(o, hosts)
	defer unregister()
	zoneRedis := map[string]redis.UniversalClient{}
	for _, z := range o.Zones {
		rdb, err := startZone(ctx, g, o, z, hosts[z.Name])
		if err != nil {
			cancel()
			_ = g.Wait()
			return err
		}
		zoneRedis[z.Name] = rdb
	}
	if o.has(RoleWeb) {
		names := make([]string, len(o.Zones))
		for i, z := range o.Zones {
			names[i] = z.Name
		}
		var v web.Validator
		if o.Host != nil {
			v = o.Host
		}
		// Plugin pushes prepare on every node of a zone before promoting.
		opts := append([]web.Option{web.WithZoneRedis(zoneRedis)}, o.Web...)
		if o.Host != nil {
			opts = append([]web.Option{web.WithPluginCache(o.Host.CompilationCache())}, opts...)
		}
		srv := web.New(web.Config{Store: o.Store, Zones: names, Plugins: v, Logger: o.Logger, SessionKey: o.SessionKey}, opts...)
		srv.App().Get("/metrics", adaptMetrics())
		g.Go(func() error { return srv.Listen(ctx, o.HTTPAddr) })
	} else if o.MetricsAddr != "" {
		g.Go(func() error { return serveMetrics(ctx, o.MetricsAddr) })
	}
	if o.Ready != nil {
		o.Ready()
	}
	return g.Wait()
}

// startZone starts the zone's components and returns its Redis client
// (closed when ctx ends).
func startZone(ctx context.Context, g *errgroup.Group, o Options, z zones.Config, h *host.Host) (redis.UniversalClient, error) {
	// Components that know their zone (control, journal) name it in their
	// own logs and get o.Logger; the rest get log.
	log := o.Logger.With("zone", z.Name)
	// Each actioner slot may wait on Redis at once; a smaller pool would
	// queue results behind connections, not behind Redis.
	rdb := redis.NewClient(&redis.Options{Addr: z.Redis.Addr, Password: z.Redis.Password, DB: z.Redis.DB,
		PoolSize: z.Actioner.Concurrency + 32})
	g.Go(func() error { <-ctx.Done(); return rdb.Close() })
	j := journal.New(rdb, z.Name)

	if o.has(RoleBroker) {
		for _, bc := range []struct {
			name string
			cfg  zones.BrokerConfig
		}{{"monitor", z.MonitorBroker}, {"action", z.ActionBroker}} {
			b, err := broker.New(broker.Config{Name: bc.name, Frontend: bc.cfg.Frontend, Backend: bc.cfg.Backend, QueueLimit: bc.cfg.QueueLimit, Logger: log})
			if err != nil {
				return nil, err
			}
			g.Go(func() error { return b.Run(ctx) })
		}
	}
	producer := func(endpoint string, opts ...broker.ProducerOption) (*broker.Producer, error) {
		p, err := broker.NewProducer(endpoint, opts...)
		if err != nil {
			return nil, err
		}
		g.Go(func() error { <-ctx.Done(); return p.Close() })
		return p, nil
	}
	if o.has(RoleControl) {
		p, err := producer(z.MonitorBroker.Frontend)
		if err != nil {
			return nil, err
		}
		// Missed heartbeats become failed results on the action broker.
		ap, err := producer(z.ActionBroker.Frontend)
		if err != nil {
			return nil, err
		}
		c := &control.Control{Zone: z.Name, Redis: rdb, Sender: p, Actions: ap, Tick: z.Control.Tick.D(), Batch: z.Control.Batch, Logger: o.Logger}
		g.Go(func() error { return c.Run(ctx) })
	}
	if o.has(RoleWorker) {
		if h == nil {
			return nil, fmt.Errorf("zone %s: the worker needs the plugin host", z.Name)
		}
		p, err := producer(z.ActionBroker.Frontend, broker.WithLinger(worker.Linger))
		if err != nil {
			return nil, err
		}
		w := &worker.Worker{Zone: z.Name, Host: h, Results: p, Logger: log}
		g.Go(func() error { return w.Run(ctx, z.MonitorBroker.Backend, z.Worker.Concurrency) })
	}
	if o.has(RoleActioner) {
		if h == nil {
			return nil, fmt.Errorf("zone %s: the actioner needs the plugin host", z.Name)
		}
		a := &actioner.Actioner{Zone: z.Name, Redis: rdb, Journal: j, Store: o.Store, Host: h,
			MaxAge: z.Actioner.MaxResultAge.D(), Logger: log}
		g.Go(func() error { return a.Run(ctx, z.ActionBroker.Backend, z.Actioner.Concurrency) })
		g.Go(func() error { j.Run(ctx, o.Store, z.Journal.FlushInterval.D(), z.Journal.Batch, o.Logger); return nil })
	}
	if h != nil && (o.has(RoleWorker) || o.has(RoleActioner)) {
		// Plugins pushed to this zone load here without a restart.
		g.Go(func() error {
			// o.Logger: the syncer names the zone itself.
			return pluginsync.Run(ctx, pluginsync.Options{Zone: z.Name, Redis: rdb, Host: h, Logger: o.Logger, Node: o.NodeID})
		})
	}
	if o.has(RoleBridge) {
		p, err := producer(z.ActionBroker.Frontend)
		if err != nil {
			return nil, err
		}
		b := &bridge.Bridge{Zone: z.Name, Store: o.Store, Redis: rdb, Actions: p, Logger: log}
		g.Go(func() error { return b.Run(ctx) })
		// The bridge copies plugin modules into the zone; this removes
		// the ones no version in use needs any more.
		g.Go(func() error {
			rollout.RunGC(ctx, o.Store, rdb, z.Name, rollout.GCOptions{Logger: o.Logger})
			return nil
		})
		if !o.has(RoleActioner) {
			// Someone must drain the journal; the lock makes sharing safe.
			g.Go(func() error { j.Run(ctx, o.Store, z.Journal.FlushInterval.D(), z.Journal.Batch, o.Logger); return nil })
		}
	}
	return rdb, nil
}

func serveMetrics(ctx context.Context, addr string) error {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.Handler())
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		return fmt.Errorf("serving metrics on %s: %w", addr, err)
	}
	return nil
}
