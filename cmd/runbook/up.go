package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/runbookhq/runbook/cmd/runbook/internal/node"
	"github.com/runbookhq/runbook/engine/gctuning"
	"github.com/runbookhq/runbook/engine/rollout"
	"github.com/runbookhq/runbook/engine/secret"
	"github.com/runbookhq/runbook/web"
	"github.com/runbookhq/runbook/zones"
	"github.com/runbookhq/runbook/zones/localredis"
)

// cmdUp runs the whole product in one process: what `make run` starts.
func cmdUp(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("up", flag.ExitOnError)
	var c common
	data := fs.String("data", "./data", "directory for the embedded store, the private Redis and caches")
	redisAddr := fs.String("redis", "", "use this Redis instead of starting a private one")
	httpAddr := fs.String("http", "127.0.0.1:8080", "address the dashboard and API listen on")
	zoneNames := fs.String("zone-name", "local", "names of the zones `up` runs, comma-separated (several zones share the private Redis and allow a staged plugin rollout)")
	admin := fs.String("admin-email", "admin@localhost", "email of the first admin, created on first start")
	publicURL := fs.String("public-url", "", "URL users reach the dashboard at, for full webhook URLs (default http://ADDR)")
	gcPercent := fs.Int("gogc", 0, fmt.Sprintf("garbage collector target percent, GOGC (0 = %d; negative = off, the memory limit alone drives collections); the GOGC environment variable wins", gctuning.DefaultPercent))
	memLimit := fs.String("memory-limit", "", "Go soft memory limit, GOMEMLIMIT, e.g. 2GiB or off (default half the machine's memory); the GOMEMLIMIT environment variable wins")
	c.register(fs, "")
	_ = fs.Parse(args)
	limit, err := gctuning.ParseBytes(*memLimit)
	if err != nil {
		return fmt.Errorf("-memory-limit: %w", err)
	}
	if c.store == "" {
		c.store = "bolt:" + filepath.Join(*data, "runbook.db")
	}
	if c.cacheDir == "" {
		c.cacheDir = filepath.Join(*data, "wasm-cache")
	}
	log := c.logger()
	log.Info("garbage collector", "gc", gctuning.Apply(gctuning.Settings{Percent: *gcPercent, Limit: limit}))
	if err := os.MkdirAll(*data, 0o700); err != nil {
		return fmt.Errorf("creating data dir: %w", err)
	}

	if *redisAddr == "" {
		rs, err := localredis.Start(ctx, localredis.Options{Dir: filepath.Join(*data, "redis"), Persist: true})
		if err != nil {
			return err
		}
		defer rs.Stop()
		*redisAddr = rs.Addr
		log.Info("private redis-server started", "addr", rs.Addr, "dir", filepath.Join(*data, "redis"))
	}
	zs, err := upZones(splitList(*zoneNames), *redisAddr)
	if err != nil {
		return err
	}
	// `plugin push|rollback` run in this directory find the zones' Redis
	// here (only meaningful with a data dir of ./data, their default).
	removeZoneFiles, err := writeUpZoneFiles(upZoneDir(*data), zs)
	if err != nil {
		return err
	}
	defer removeZoneFiles()

	st, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	// Monitor and reaction secrets are sealed with this key; every process
	// of the deployment must hold it (RUNBOOK_SECRET_KEY overrides the file).
	box, err := secret.LoadBox(filepath.Join(*data, "secret.key"))
	if err != nil {
		return err
	}
	h, newHost, closeHosts, err := c.hosts(ctx, log, box, zs[0])
	if err != nil {
		return err
	}
	defer closeHosts()
	first, err := web.Bootstrap(ctx, st, *admin)
	if err != nil {
		return err
	}
	key, err := sessionKey(filepath.Join(*data, "session.key"))
	if err != nil {
		return err
	}
	if *publicURL == "" {
		*publicURL = "http://" + *httpAddr
	}
	// `plugin push|rollback` in this directory cannot open the store held
	// here: once the API answers, say how to reach it, with a token for
	// this run only (removed and revoked on a clean exit).
	var names []string
	for _, z := range zs {
		names = append(names, z.Name)
	}
	publishAPI, unpublishAPI, err := publishUpAPI(ctx, st, *data, *httpAddr, *admin, names)
	if err != nil {
		return err
	}
	serving := make(chan struct{})
	defer func() {
		<-serving // publishAPI has run or never will
		unpublishAPI()
	}()
	started := false
	// Pushes record the lock's version as the one they replace, so the
	// first push of a plugin can be rolled back.
	baseline, err := rollout.LoadBaseline(c.lockFile)
	if err != nil {
		return err
	}
	err = node.Run(ctx, node.Options{
		Roles: node.AllRoles, Zones: zs, Store: st, Host: h, NewHost: newHost,
		HTTPAddr: *httpAddr, SessionKey: key, Logger: log,
		Web: []web.Option{web.WithSecrets(box), web.WithPublicURL(*publicURL), web.WithPluginBaseline(baseline)},
		Ready: func() {
			started = true
			go func() {
				defer close(serving)
				if waitServing(ctx, *httpAddr) {
					if err := publishAPI(); err != nil {
						log.Warn("plugin push|rollback will not find this run's admin API", "err", err)
					}
					printWelcome(*httpAddr, first)
				}
			}()
		},
	})
	if !started {
		close(serving)
	}
	return err
}

// upZones configures the zones `up` runs: all on one Redis (zone keys are
// prefixed by the zone's name), each with its own brokers.
func upZones(names []string, redisAddr string) ([]zones.Config, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("-zone-name: name at least one zone")
	}
	var zs []zones.Config
	for _, name := range names {
		z := zones.Config{Name: name, Redis: zones.RedisConfig{Addr: redisAddr}}
		// Every component runs in this process, so the brokers speak
		// inproc: the same ZeroMQ sockets and protocol, without TCP and
		// libzmq's I/O threads (about a fifth of the pipeline's CPU per
		// check).
		ep := func(s string) string { return "inproc://runbook-" + name + "-" + s }
		z.MonitorBroker = zones.BrokerConfig{Frontend: ep("monitor-front"), Backend: ep("monitor-back")}
		z.ActionBroker = zones.BrokerConfig{Frontend: ep("action-front"), Backend: ep("action-back")}
		z.Normalize()
		if err := z.Validate(); err != nil {
			return nil, fmt.Errorf("-zone-name %q: %w", name, err)
		}
		if slices.ContainsFunc(zs, func(o zones.Config) bool { return o.Name == name }) {
			return nil, fmt.Errorf("-zone-name: zone %q named twice", name)
		}
		zs = append(zs, z)
	}
	return zs, nil
}

// waitServing reports once the dashboard answers (false: ctx ended
// first), so nothing is printed or published for a server that failed to
// listen.
func waitServing(ctx context.Context, addr string) bool {
	url, err := localURL(addr)
	if err != nil {
		return false
	}
	c := &http.Client{Timeout: time.Second}
	for ctx.Err() == nil {
		if resp, err := c.Get(url + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return true
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

func printWelcome(addr string, first *web.FirstLogin) {
	fmt.Printf("\nRunbook is up.\n  Dashboard: http://%s/\n", addr)
	if first != nil {
		fmt.Printf("  First login (shown once; change it): %s / %s\n  API token (shown once): %s\n", first.Email, first.Password, first.Token)
		fmt.Printf("  Try: curl -H 'Authorization: Bearer %s' http://%s/api/v1/monitors\n", first.Token, addr)
	} else {
		fmt.Println("  Log in with the admin account created on first start.")
	}
	fmt.Println()
}

// sessionKey keeps dashboard sessions valid across restarts.
func sessionKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil && len(b) == 32 {
		return b, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("reading session key: %w", err)
	}
	b = make([]byte, 32)
	_, _ = rand.Read(b)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, fmt.Errorf("writing session key: %w", err)
	}
	return b, nil
}
