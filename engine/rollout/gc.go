package rollout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/host/lock"
	"github.com/runbookhq/runbook/zones"
)

// A zone's Redis is a cache of the modules its processes may fetch: every
// push adds one (~1-4 MB) and nothing else removes it. Garbage collection
// deletes the modules no process will fetch again, keeping for each
// plugin the zone's current version, its previous one (what a rollback
// returns to without a store read) and every version a monitor or
// reaction pins. The store keeps every module, so a deeper rollback or a
// re-push still works: the bridge copies the module back.

// Default GC timing.
const (
	// DefaultGCGrace is how long a module stays after it was first found
	// unreferenced: a process that read the zone's plugins hash just
	// before a push fetches within milliseconds, so minutes are plenty.
	DefaultGCGrace = 10 * time.Minute
	// DefaultGCEvery is how often RunGC looks.
	DefaultGCEvery = 5 * time.Minute
)

// GCOptions of CollectModules and RunGC.
type GCOptions struct {
	Grace  time.Duration // default DefaultGCGrace
	Every  time.Duration // RunGC only; default DefaultGCEvery
	Logger *slog.Logger
}

func (o GCOptions) withDefaults() GCOptions {
	if o.Grace <= 0 {
		o.Grace = DefaultGCGrace
	}
	if o.Every <= 0 {
		o.Every = DefaultGCEvery
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// GCResult says what one collection did, by digest.
type GCResult struct {
	Kept, Marked, Removed, Restored []string
	// PinsRead: the round listed monitors and reactions for pinned
	// versions (only when some module was not current, previous,
	// announced or staged).
	PinsRead bool
}

// RunGC collects zone's modules every o.Every until ctx ends. A failed
// round is logged and counted; the next one retries.
func RunGC(ctx context.Context, st store.Store, rdb redis.UniversalClient, zone string, o GCOptions) {
	o = o.withDefaults()
	log := o.Logger.With("zone", zone, "component", "plugingc")
	t := time.NewTicker(o.Every)
	defer t.Stop()
	for {
		if _, err := CollectModules(ctx, st, rdb, zone, o); err != nil && ctx.Err() == nil {
			mGCFailed.WithLabelValues(zone).Inc()
			log.Warn("plugin module collection failed; retried next round", "err", err, "in", o.Every)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// CollectModules runs one collection in zone's Redis:
//   - a module referenced (see referenced) loses any unreferenced mark;
//   - an unreferenced one is marked with the time, and deleted once it has
//     been marked for o.Grace; the delete is a transaction watching the
//     zone's plugins hash, so an entry written meanwhile stops it;
//   - a module the plugins hash names but Redis lacks (deleted in a race
//     with a re-push, or lost) is copied back from the store and
//     announced, so processes waiting for it load it.
func CollectModules(ctx context.Context, st store.Store, rdb redis.UniversalClient, zone string, o GCOptions) (GCResult, error) {
	o = o.withDefaults()
	keys := zones.KeysFor(zone)
	log := o.Logger.With("zone", zone, "component", "plugingc")
	var res GCResult
	keep, err := deployed(ctx, st, zone)
	if err != nil {
		return res, err
	}
	announced, err := hashDigests(ctx, rdb, keys.Plugins())
	if err != nil {
		return res, err
	}
	for d := range announced {
		keep[d] = true
	}
	// A staged module is being prepared by the zone's nodes.
	staged, err := hashDigests(ctx, rdb, keys.PluginsStaged())
	if err != nil {
		return res, err
	}
	for d := range staged {
		keep[d] = true
	}
	blobs, err := blobDigests(ctx, rdb, keys)
	if err != nil {
		return res, err
	}
	// Pins are the expensive part (every monitor and reaction of the
	// deployment): read them only when a module is a candidate, which a
	// zone whose Redis holds just current and previous versions never has.
	if slices.ContainsFunc(blobs, func(d string) bool { return !keep[d] }) {
		if err := addPinned(ctx, st, zone, keep); err != nil {
			return res, err
		}
		res.PinsRead = true
	}
	marks, err := rdb.HGetAll(ctx, keys.PluginsUnreferenced()).Result()
	if err != nil {
		return res, fmt.Errorf("plugin gc in zone %s: reading marks: %w", zone, err)
	}
	now := time.Now()
	for _, d := range blobs {
		ms, marked := marks[d]
		delete(marks, d)
		switch {
		case keep[d]:
			res.Kept = append(res.Kept, d)
			if marked {
				if err := rdb.HDel(ctx, keys.PluginsUnreferenced(), d).Err(); err != nil {
					return res, fmt.Errorf("plugin gc in zone %s: unmarking %s: %w", zone, d, err)
				}
			}
		case !marked:
			if err := rdb.HSet(ctx, keys.PluginsUnreferenced(), d, now.UnixMilli()).Err(); err != nil {
				return res, fmt.Errorf("plugin gc in zone %s: marking %s: %w", zone, d, err)
			}
			res.Marked = append(res.Marked, d)
		default:
			since, _ := strconv.ParseInt(ms, 10, 64)
			if now.Sub(time.UnixMilli(since)) < o.Grace {
				res.Marked = append(res.Marked, d)
				continue
			}
			gone, err := removeModule(ctx, rdb, keys, d)
			if err != nil {
				return res, fmt.Errorf("plugin gc in zone %s: removing %s: %w", zone, d, err)
			}
			if gone {
				res.Removed = append(res.Removed, d)
				mGCRemoved.WithLabelValues(zone).Inc()
				log.Info("plugin module removed from the zone: no current, previous or pinned version uses it",
					"digest", d, "unreferenced_since", time.UnixMilli(since).UTC())
			}
		}
	}
	// Marks of modules that are gone by other means.
	for d := range marks {
		_ = rdb.HDel(ctx, keys.PluginsUnreferenced(), d).Err()
	}
	for d, e := range announced {
		if slices.Contains(blobs, d) {
			continue
		}
		if err := restoreModule(ctx, st, rdb, keys, e); err != nil {
			return res, fmt.Errorf("plugin gc in zone %s: %w", zone, err)
		}
		res.Restored = append(res.Restored, d)
		mGCRestored.WithLabelValues(zone).Inc()
		log.Warn("plugin module named by the zone but missing from its Redis: copied back from the store",
			"plugin", e.Name, "version", e.Version, "digest", d)
	}
	return res, nil
}

// deployed returns the digests zone must keep by its deployments: each
// plugin's current and previous version there.
func deployed(ctx context.Context, st store.Store, zone string) (map[string]bool, error) {
	keep := map[string]bool{}
	ds, err := st.ListPluginDeployments(ctx, zone, "")
	if err != nil {
		return nil, fmt.Errorf("plugin gc in zone %s: %w", zone, err)
	}
	for _, d := range ds {
		keep[d.SHA256] = true
		if len(d.History) > 0 {
			keep[d.History[0].SHA256] = true
		}
	}
	return keep, nil
}

// addPinned adds to keep every version a monitor of the zone or any
// reaction pins.
func addPinned(ctx context.Context, st store.Store, zone string, keep map[string]bool) error {
	type pin struct{ name, version string }
	pins := map[pin]bool{}
	ms, err := st.ListMonitors(ctx, "")
	if err != nil {
		return fmt.Errorf("plugin gc in zone %s: listing monitors for pinned versions: %w", zone, err)
	}
	for _, m := range ms {
		if m.Version != "" && m.Check != "" && slices.Contains(m.Zones, zone) {
			pins[pin{m.Check, m.Version}] = true
		}
	}
	rs, err := st.ListReactions(ctx, "")
	if err != nil {
		return fmt.Errorf("plugin gc in zone %s: listing reactions for pinned versions: %w", zone, err)
	}
	for _, r := range rs {
		if r.Version != "" {
			pins[pin{r.Plugin, r.Version}] = true
		}
	}
	for p := range pins {
		e, err := st.GetPluginRecord(ctx, p.name, p.version)
		if errors.Is(err, store.ErrNotFound) {
			continue // pinned to a lock-file version: not in Redis anyway
		}
		if err != nil {
			return fmt.Errorf("plugin gc in zone %s: pinned %s@%s: %w", zone, p.name, p.version, err)
		}
		keep[e.SHA256] = true
	}
	return nil
}

// hashDigests reads a hash of entries (the zone's plugins: what
// processes fetch now; or the staged ones): digest → entry.
func hashDigests(ctx context.Context, rdb redis.UniversalClient, key string) (map[string]lock.Entry, error) {
	all, err := rdb.HGetAll(ctx, key).Result()
	if err != nil {
		return nil, fmt.Errorf("plugin gc: reading %s: %w", key, err)
	}
	out := map[string]lock.Entry{}
	for _, raw := range all {
		var e lock.Entry
		if json.Unmarshal([]byte(raw), &e) == nil && e.SHA256 != "" {
			out[e.SHA256] = e
		}
	}
	return out, nil
}

// blobDigests lists the digests of the modules in the zone's Redis.
func blobDigests(ctx context.Context, rdb redis.UniversalClient, keys zones.Keys) ([]string, error) {
	prefix := strings.TrimSuffix(keys.PluginBlobPattern(), "*")
	var out []string
	it := rdb.Scan(ctx, 0, keys.PluginBlobPattern(), 100).Iterator()
	for it.Next(ctx) {
		out = append(out, strings.TrimPrefix(it.Val(), prefix))
	}
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("plugin gc: listing modules: %w", err)
	}
	return out, nil
}

// removeModule deletes one module unless the plugins or staged hash
// names it; both are watched, so an entry written between the check and the delete
// aborts the delete (false, nil) and the next round decides again.
func removeModule(ctx context.Context, rdb redis.UniversalClient, keys zones.Keys, digest string) (bool, error) {
	gone := false
	err := rdb.Watch(ctx, func(tx *redis.Tx) error {
		for _, key := range []string{keys.Plugins(), keys.PluginsStaged()} {
			all, err := tx.HGetAll(ctx, key).Result()
			if err != nil {
				return err
			}
			for _, raw := range all {
				if strings.Contains(raw, digest) {
					return nil
				}
			}
		}
		_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Del(ctx, keys.PluginBlob(digest))
			p.HDel(ctx, keys.PluginsUnreferenced(), digest)
			return nil
		})
		if err == nil {
			gone = true
		}
		return err
	}, keys.Plugins(), keys.PluginsStaged())
	if errors.Is(err, redis.TxFailedErr) {
		return false, nil
	}
	return gone, err
}

// restoreModule copies e's module from the store back to the zone, then
// announces e's plugin so processes that failed to fetch it try again.
func restoreModule(ctx context.Context, st store.Store, rdb redis.UniversalClient, keys zones.Keys, e lock.Entry) error {
	wasm, err := st.GetPluginBlob(ctx, e.SHA256)
	if err != nil {
		return fmt.Errorf("restoring %s@%s module %s: %w", e.Name, e.Version, e.SHA256, err)
	}
	if err := e.Verify(wasm); err != nil {
		return fmt.Errorf("restoring %s@%s: %w", e.Name, e.Version, err)
	}
	if err := rdb.Set(ctx, keys.PluginBlob(e.SHA256), wasm, 0).Err(); err != nil {
		return fmt.Errorf("restoring %s@%s module: %w", e.Name, e.Version, err)
	}
	if err := rdb.Publish(ctx, keys.PluginsChanged(), e.Name).Err(); err != nil {
		return fmt.Errorf("announcing restored %s@%s: %w", e.Name, e.Version, err)
	}
	return nil
}
