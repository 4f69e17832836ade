// Package pluginsync keeps one process's plugin host in step with the
// plugin versions of its zone: on start and on every (re)connect it reads
// the zone's plugins hash (current versions, written by the bridge) and
// staged hash (versions being prepared, written by engine/rollout), and in
// between it follows the zone's PUBLISH channel.
//
// A staged version is prepared: fetched by digest, verified, compiled and
// installed beside the running version, which keeps serving; the node
// then reports it ready (or refused, with the reason) in the zone's
// reports. A current version is promoted: when it was prepared (or is
// still loaded, as the previous version of a rollback is) that is a
// pointer swap; otherwise it is fetched and compiled first. A refused
// module is logged and the running version stays. Each syncer is one node
// of the zone and heartbeats, so the pusher knows whom to wait for.
package pluginsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/lock"
	"github.com/runbookhq/runbook/zones"
)

// Host is what the syncer needs of a *host.Host.
type Host interface {
	Install(ctx context.Context, e lock.Entry, wasm []byte) error
	Promote(name, version string) error
	// Uninstall drops a version this node prepared for a push that gave
	// up (never the current one).
	Uninstall(name, version string) error
	Current(name string) (version, digest string, ok bool)
	// Plugins tells which versions are loaded, so a prepared or previous
	// version is promoted without fetching or compiling it again.
	Plugins() []host.PluginInfo
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
	// Node names this process in the zone's node set and reports
	// (default DefaultNodeID()).
	Node string
	// Heartbeat is how often the node refreshes its place in the zone's
	// node set (default 2 s; engine/rollout waits for nodes seen within
	// its NodeTTL, 10 s by default).
	Heartbeat time.Duration
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
	if o.Node == "" {
		o.Node = DefaultNodeID()
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = 2 * time.Second
	}
	s := &syncer{o: o, keys: zones.KeysFor(o.Zone), log: o.Logger.With("zone", o.Zone, "component", "pluginsync", "node", o.Node),
		refused: map[string]string{}, lastRefused: map[string]string{}, refusedNow: map[string]string{}, ready: map[string]string{}, reported: map[string]string{},
		staged: map[string]lock.Entry{}}
	// The heartbeat runs beside the sync loop: a node compiling a staged
	// module for seconds is alive, and must be waited for.
	hbDone := make(chan struct{})
	go func() { defer close(hbDone); s.heartbeat(ctx) }()
	defer func() { <-hbDone }()
	return s.run(ctx)
}

type syncer struct {
	o    Options
	keys zones.Keys
	log  *slog.Logger
	// refused remembers digests that failed validation (digest → reason)
	// so a resync does not recompile and re-log them every round.
	refused map[string]string
	// lastRefused is, per plugin, the last digest refused (for reports),
	// and refusedNow every refusal's reason, sticky or not.
	lastRefused map[string]string
	refusedNow  map[string]string
	// ready is, per plugin, the staged digest prepared here.
	ready map[string]string
	// reported is, per plugin, the last report written (without its time).
	reported map[string]string
	// staged is, per plugin, the version prepare installed (it was not
	// loaded before) and that has not served since: dropped when the
	// zone's staged entry no longer names it (the push gave up).
	staged map[string]lock.Entry
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

// syncAll applies every current and staged entry of the zone and
// rewrites this node's reports (Redis may have been flushed or restarted).
func (s *syncer) syncAll(ctx context.Context) {
	var cur, staged *redis.MapStringStringCmd
	_, err := s.o.Redis.Pipelined(ctx, func(p redis.Pipeliner) error {
		cur = p.HGetAll(ctx, s.keys.Plugins())
		staged = p.HGetAll(ctx, s.keys.PluginsStaged())
		return nil
	})
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("reading zone plugins", "err", err)
		}
		return
	}
	for name, raw := range cur.Val() {
		s.apply(ctx, name, raw)
	}
	for name, raw := range staged.Val() {
		s.prepare(ctx, name, raw)
	}
	for name := range s.staged {
		s.dropStaged(name, staged.Val()[name])
	}
	for name := range cur.Val() {
		s.report(ctx, name, true)
	}
	for name := range staged.Val() {
		if _, done := cur.Val()[name]; !done {
			s.report(ctx, name, true)
		}
	}
}

// syncOne applies the current and the staged entry of one announced
// plugin (one channel carries both: the message is the plugin's name).
func (s *syncer) syncOne(ctx context.Context, name string) {
	var cur, staged *redis.StringCmd
	_, err := s.o.Redis.Pipelined(ctx, func(p redis.Pipeliner) error {
		cur = p.HGet(ctx, s.keys.Plugins(), name)
		staged = p.HGet(ctx, s.keys.PluginsStaged(), name)
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		if ctx.Err() == nil {
			s.log.Warn("reading zone plugin", "plugin", name, "err", err)
		}
		return
	}
	// A missing current entry means withdrawn from the zone: keep serving
	// what is loaded.
	if raw, err := cur.Result(); err == nil {
		s.apply(ctx, name, raw)
	}
	raw, err := staged.Result()
	if err == nil {
		s.prepare(ctx, name, raw)
	}
	s.dropStaged(name, raw)
	s.report(ctx, name, false)
}

// dropStaged uninstalls the version prepare installed for name once the
// zone's staged entry (raw, "" when there is none) no longer names it and
// it is not serving: the push gave up, or another push replaced it. The
// ~40 MB it compiled is freed, and it cannot crowd out what served.
func (s *syncer) dropStaged(name, raw string) {
	e, ok := s.staged[name]
	if !ok {
		return
	}
	var now lock.Entry
	if raw != "" && json.Unmarshal([]byte(raw), &now) == nil && now.SHA256 == e.SHA256 {
		return // still being pushed
	}
	delete(s.staged, name)
	if _, d, _ := s.o.Host.Current(name); d == e.SHA256 {
		return
	}
	if s.ready[name] == e.SHA256 {
		delete(s.ready, name)
	}
	log := s.log.With("plugin", e.Name, "version", e.Version, "digest", e.SHA256)
	if err := s.o.Host.Uninstall(e.Name, e.Version); err != nil {
		log.Warn("dropping a staged plugin version the push gave up on", "err", err)
		return
	}
	mDropped.WithLabelValues(s.o.Zone).Inc()
	log.Info("staged plugin version dropped: its push gave up or was replaced")
}

// served forgets e as staged once it serves: promoted, it is no longer
// this node's to drop. Another version promoted meanwhile (a rollback)
// leaves a staged one staged.
func (s *syncer) served(e lock.Entry) {
	if st, ok := s.staged[e.Name]; ok && st.SHA256 == e.SHA256 {
		delete(s.staged, e.Name)
	}
}

// apply makes the entry current in the host unless it already is.
func (s *syncer) apply(ctx context.Context, name, raw string) {
	e, ok := s.decode(name, raw)
	if !ok {
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
	if s.loaded(e) {
		// Prepared, or a previous version kept loaded: the switch is a
		// pointer swap, nothing to fetch or compile.
		if err := s.promote(e); err == nil {
			delete(s.ready, e.Name)
			s.served(e)
			mSwitchSeconds.WithLabelValues(s.o.Zone).Observe(time.Since(start).Seconds())
			mLoadSeconds.WithLabelValues(s.o.Zone).Observe(time.Since(start).Seconds())
			log.Info("plugin version serving (was loaded)", "took", time.Since(start))
			return
		}
		// Evicted meanwhile: load it again below.
	}
	if err := s.load(ctx, e); err != nil {
		s.failed(ctx, e, err, "plugin version refused; the running version keeps serving")
		return
	}
	delete(s.ready, e.Name)
	s.served(e)
	s.clearRefusal(e)
	mLoadSeconds.WithLabelValues(s.o.Zone).Observe(time.Since(start).Seconds())
	log.Info("plugin version serving", "took", time.Since(start))
}

// prepare installs a staged entry beside the running version without
// promoting it, so that promoting it later is a pointer swap.
func (s *syncer) prepare(ctx context.Context, name, raw string) {
	e, ok := s.decode(name, raw)
	if !ok {
		return
	}
	if _, d, ok := s.o.Host.Current(e.Name); ok && d == e.SHA256 {
		return // already serving: ready by definition
	}
	// One look at the host (Plugins lists every version loaded) serves
	// both questions below.
	wasLoaded := s.loaded(e)
	if _, bad := s.refused[e.SHA256]; bad || s.ready[e.Name] == e.SHA256 && wasLoaded {
		return
	}
	start := time.Now()
	// A version already loaded (the previous one, pushed again) is not
	// this push's to drop if it gives up.
	if err := s.install(ctx, e); err != nil {
		s.failed(ctx, e, err, "staged plugin version refused; it will not be promoted here")
		return
	}
	if !wasLoaded {
		if old, ok := s.staged[e.Name]; ok && old.SHA256 != e.SHA256 {
			s.dropStaged(e.Name, "") // replaced by this push
		}
		s.staged[e.Name] = e
	}
	s.ready[e.Name] = e.SHA256
	s.clearRefusal(e)
	mPrepareSeconds.WithLabelValues(s.o.Zone).Observe(time.Since(start).Seconds())
	s.log.Info("staged plugin version prepared; waiting for promotion", "plugin", e.Name, "version", e.Version,
		"digest", e.SHA256, "took", time.Since(start))
}

func (s *syncer) decode(name, raw string) (lock.Entry, bool) {
	var e lock.Entry
	if err := json.Unmarshal([]byte(raw), &e); err != nil || e.Name != name {
		s.log.Error("zone plugin entry is malformed; ignored", "plugin", name, "err", err)
		return e, false
	}
	return e, true
}

// failed logs and remembers a refusal; a fetch failure is only logged
// (retried on the next announcement or resync).
func (s *syncer) failed(ctx context.Context, e lock.Entry, err error, msg string) {
	if ctx.Err() != nil {
		return
	}
	log := s.log.With("plugin", e.Name, "version", e.Version, "digest", e.SHA256)
	var transient *fetchError
	if errors.As(err, &transient) {
		mFetchFailed.WithLabelValues(s.o.Zone).Inc()
		log.Warn("plugin version not loaded yet; retried on the next announcement or resync", "err", err)
		return
	}
	// Bytes that are not the digest are a bad copy in Redis, not a bad
	// module: refuse them now (and report it), but fetch again next time,
	// so a repaired copy loads without a restart.
	var mismatch *lock.MismatchError
	if !errors.As(err, &mismatch) {
		s.refused[e.SHA256] = err.Error()
	}
	s.refusedNow[e.SHA256] = err.Error()
	s.lastRefused[e.Name] = e.SHA256
	if s.ready[e.Name] == e.SHA256 {
		delete(s.ready, e.Name)
	}
	mRefused.WithLabelValues(s.o.Zone).Inc()
	log.Error(msg, "reason", err)
}

// clearRefusal forgets a refusal of e's digest once e loaded after all
// (a repaired copy in Redis).
func (s *syncer) clearRefusal(e lock.Entry) {
	if s.lastRefused[e.Name] == e.SHA256 {
		delete(s.lastRefused, e.Name)
	}
	delete(s.refusedNow, e.SHA256)
}

// loaded says whether the host holds e's version with e's digest.
func (s *syncer) loaded(e lock.Entry) bool {
	for _, p := range s.o.Host.Plugins() {
		if p.Name == e.Name && p.Version == e.Version && p.Digest == e.SHA256 && p.Err == nil {
			return true
		}
	}
	return false
}

// promote makes e current and checks the host now serves e's digest.
func (s *syncer) promote(e lock.Entry) error {
	if err := s.o.Host.Promote(e.Name, e.Version); err != nil {
		return fmt.Errorf("promoting: %w", err)
	}
	if _, d, _ := s.o.Host.Current(e.Name); d != e.SHA256 {
		return fmt.Errorf("promoting %s@%s: host serves digest %s, want %s", e.Name, e.Version, d, e.SHA256)
	}
	return nil
}

func (s *syncer) load(ctx context.Context, e lock.Entry) error {
	if err := s.install(ctx, e); err != nil {
		return err
	}
	return s.promote(e)
}

// install fetches e's module and installs it beside what serves.
func (s *syncer) install(ctx context.Context, e lock.Entry) error {
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
	return err // already says plugin, version and why
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
