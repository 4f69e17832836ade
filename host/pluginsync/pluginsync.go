// Package pluginsync keeps one process's plugin host in step with the
// plugin versions its zone's bridge announces: on start and on every
// (re)connect it reads the zone's plugins hash, and in between it follows
// the zone's PUBLISH channel. For each announced version it fetches the
// module from Redis by digest, verifies it, and installs and promotes it
// in the host. A refused module is logged and the running version stays.
package pluginsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/host/lock"
	"github.com/runbookhq/runbook/zones"
)

// Host is what the syncer needs of a *host.Host.
type Host interface {
	Install(ctx context.Context, e lock.Entry, wasm []byte) error
	Promote(name, version string) error
	Current(name string) (version, digest string, ok bool)
}

// Options of Run.
type Options struct {
	Zone   string
	Redis  redis.UniversalClient
	Host   Host
	Logger *slog.Logger
	// Resync is how often the whole hash is read again even without a
	// message: a safety net for a PUBLISH lost while the connection was
	// being re-established (default 30 s).
	Resync time.Duration
}

// Run syncs until ctx ends. It returns nil on ctx's end; Redis errors are
// retried, never fatal: the host keeps serving what it has.
func Run(ctx context.Context, o Options) error {
	if o.Redis == nil || o.Host == nil || o.Zone == "" {
		return errors.New("pluginsync: Zone, Redis and Host are required")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Resync <= 0 {
		o.Resync = 30 * time.Second
	}
	s := &syncer{o: o, keys: zones.KeysFor(o.Zone), log: o.Logger.With("zone", o.Zone, "component", "pluginsync"), refused: map[string]string{}}
	return s.run(ctx)
}

type syncer struct {
	o    Options
	keys zones.Keys
	log  *slog.Logger
	// refused remembers digests that failed validation (digest → reason)
	// so a resync does not recompile and re-log them every round.
	refused map[string]string
}

func (s *syncer) run(ctx context.Context) error {
	// Subscribe before the first read: a version announced between the
	// read and the subscription would otherwise wait for the next resync.
	ps := s.o.Redis.Subscribe(ctx, s.keys.PluginsChanged())
	defer ps.Close()
	resync := time.NewTicker(s.o.Resync)
	defer resync.Stop()
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		// ReceiveTimeout, not Channel: it hands back the *Subscription
		// go-redis sends after each (re)subscribe, which is the moment a
		// reconnected process must read the whole hash again. Its timeout
		// (unlike a context deadline) does not count as a broken
		// connection, so waiting never drops the subscription.
		msg, err := ps.ReceiveTimeout(ctx, time.Second)
		switch m := msg.(type) {
		case *redis.Subscription:
			s.syncAll(ctx)
		case *redis.Message:
			s.syncOne(ctx, m.Payload)
		}
		if err != nil && ctx.Err() == nil && !isTimeout(err) {
			s.log.Warn("plugin announcements: receive failed, retrying", "err", err, "in", backoff)
			sleep(ctx, backoff)
			backoff = min(2*backoff, 5*time.Second)
			continue
		}
		if err == nil {
			backoff = 100 * time.Millisecond
		}
		select {
		case <-resync.C:
			// A ping on a half-open connection fails, which makes go-redis
			// reconnect and resubscribe (and us read the hash again).
			_ = ps.Ping(ctx)
			s.syncAll(ctx)
		default:
		}
	}
	return nil
}

// syncAll applies every entry of the zone's hash.
func (s *syncer) syncAll(ctx context.Context) {
	all, err := s.o.Redis.HGetAll(ctx, s.keys.Plugins()).Result()
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("reading zone plugins", "err", err)
		}
		return
	}
	for name, raw := range all {
		s.apply(ctx, name, raw)
	}
}

// syncOne applies the hash entry of one announced plugin.
func (s *syncer) syncOne(ctx context.Context, name string) {
	raw, err := s.o.Redis.HGet(ctx, s.keys.Plugins(), name).Result()
	if errors.Is(err, redis.Nil) {
		return // withdrawn from the zone: keep serving what is loaded
	}
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("reading zone plugin", "plugin", name, "err", err)
		}
		return
	}
	s.apply(ctx, name, raw)
}

// apply makes the entry current in the host unless it already is.
func (s *syncer) apply(ctx context.Context, name, raw string) {
	var e lock.Entry
	if err := json.Unmarshal([]byte(raw), &e); err != nil || e.Name != name {
		s.log.Error("zone plugin entry is malformed; ignored", "plugin", name, "err", err)
		return
	}
	log := s.log.With("plugin", e.Name, "version", e.Version, "digest", e.SHA256)
	if _, d, ok := s.o.Host.Current(e.Name); ok && d == e.SHA256 {
		return
	}
	if _, bad := s.refused[e.SHA256]; bad {
		return
	}
	start := time.Now()
	if err := s.load(ctx, e); err != nil {
		if ctx.Err() != nil {
			return
		}
		var transient *fetchError
		if errors.As(err, &transient) {
			mFetchFailed.WithLabelValues(s.o.Zone).Inc()
			log.Warn("plugin version not loaded yet; retried on the next announcement or resync", "err", err)
			return
		}
		s.refused[e.SHA256] = err.Error()
		mRefused.WithLabelValues(s.o.Zone).Inc()
		log.Error("plugin version refused; the running version keeps serving", "reason", err)
		return
	}
	mLoadSeconds.WithLabelValues(s.o.Zone).Observe(time.Since(start).Seconds())
	log.Info("plugin version serving", "took", time.Since(start))
}

func (s *syncer) load(ctx context.Context, e lock.Entry) error {
	wasm, err := s.o.Redis.Get(ctx, s.keys.PluginBlob(e.SHA256)).Bytes()
	if err != nil {
		return &fetchError{fmt.Errorf("fetching plugin %s@%s blob %s: %w", e.Name, e.Version, e.SHA256, err)}
	}
	// The old version serves until Promote: compiling (seconds, cold)
	// happens beside it. Zones of one process install one digest in turn,
	// so the second finds it in their shared compilation cache.
	unlock := lockDigest(e.SHA256)
	err = s.o.Host.Install(ctx, e, wasm)
	unlock()
	if err != nil {
		return err // already says plugin, version and why
	}
	if err := s.o.Host.Promote(e.Name, e.Version); err != nil {
		return fmt.Errorf("promoting: %w", err)
	}
	return nil
}

// fetchError is a failure to read the blob (Redis down, key not there
// yet): worth retrying, unlike a module that was read and refused.
type fetchError struct{ err error }

func (e *fetchError) Error() string { return e.err.Error() }
func (e *fetchError) Unwrap() error { return e.err }

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne interface{ Timeout() bool }
	return errors.As(err, &ne) && ne.Timeout()
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
