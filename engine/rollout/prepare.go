package rollout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/host/lock"
	"github.com/runbookhq/runbook/host/pluginsync"
	"github.com/runbookhq/runbook/zones"
)

// Two-phase rollout defaults.
const (
	// DefaultReadyTimeout bounds the prepare phase: a cold compile of a
	// Go module takes seconds on a loaded 2-core node, not minutes.
	DefaultReadyTimeout = 2 * time.Minute
	// DefaultSwitchTimeout bounds waiting for nodes to confirm the switch.
	DefaultSwitchTimeout = 30 * time.Second
	// DefaultNodeTTL: nodes heartbeat every 2 s (pluginsync); one silent
	// for 10 s is gone (crashed, partitioned) and not waited for.
	DefaultNodeTTL = 10 * time.Second
)

// pollEvery is how often the pusher reads the zone's reports.
const pollEvery = 10 * time.Millisecond

func (o PushOptions) withDefaults() PushOptions {
	if o.ReadyTimeout <= 0 {
		o.ReadyTimeout = DefaultReadyTimeout
	}
	if o.SwitchTimeout <= 0 {
		o.SwitchTimeout = DefaultSwitchTimeout
	}
	if o.NodeTTL <= 0 {
		o.NodeTTL = DefaultNodeTTL
	}
	if o.LockTTL <= 0 {
		o.LockTTL = DefaultLockTTL
	}
	return o
}

// prepareAll stages e in every zone with a Redis and waits, zones in
// parallel, for each zone's live nodes to be ready. Any zone failing
// fails the whole push: nothing is promoted anywhere.
func prepareAll(ctx context.Context, wasm []byte, e lock.Entry, o PushOptions, rep *Report) error {
	start := time.Now()
	// One zone refusing means nothing is promoted: stop waiting elsewhere.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	for i := range rep.Zones {
		zr := &rep.Zones[i]
		rdb := o.Redis[zr.Zone]
		if rdb == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			zr.Err = prepareZone(ctx, rdb, wasm, e, o, zr)
			zr.Prepared = zr.Err == nil
			if zr.Err != nil {
				cancel(zr.Err)
			}
		}()
	}
	wg.Wait()
	rep.Prepare = time.Since(start)
	var errs []error
	for i := range rep.Zones {
		if err := rep.Zones[i].Err; err != nil && !errors.Is(err, context.Canceled) {
			errs = append(errs, err)
		}
	}
	if err := context.Cause(ctx); len(errs) == 0 && err != nil {
		errs = append(errs, err) // the caller's ctx ended
	}
	if len(errs) > 0 {
		mPushes.WithLabelValues("refused").Inc()
		return fmt.Errorf("not promoted in any zone: %w", errors.Join(errs...))
	}
	mPrepareSeconds.Observe(rep.Prepare.Seconds())
	return nil
}

// prepareZone writes the module and the staged entry to the zone (module
// first, so a node that sees the entry finds the bytes), announces it,
// and waits for every live node to be ready.
func prepareZone(ctx context.Context, rdb redis.UniversalClient, wasm []byte, e lock.Entry, o PushOptions, zr *ZoneReport) error {
	keys := zones.KeysFor(zr.Zone)
	e.Path = ""
	raw, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("zone %s: encoding the entry: %w", zr.Zone, err)
	}
	start := time.Now()
	if zr.Repaired, err = stageBlob(ctx, rdb, zr.Zone, e, wasm); err != nil {
		return err
	}
	if err := rdb.HSet(ctx, keys.PluginsStaged(), e.Name, raw).Err(); err != nil {
		return fmt.Errorf("zone %s: staging: %w", zr.Zone, err)
	}
	if err := rdb.Publish(ctx, keys.PluginsChanged(), e.Name).Err(); err != nil {
		return fmt.Errorf("zone %s: announcing the staged version: %w", zr.Zone, err)
	}
	ready := func(r pluginsync.Report) bool { return r.Ready == e.SHA256 || r.Serving == e.SHA256 }
	nodes, pending, refused, err := waitNodes(ctx, rdb, keys, e, o.NodeTTL, o.ReadyTimeout, start, ready)
	zr.Prepare = time.Since(start)
	zr.Nodes = nodes
	switch {
	case err != nil:
		return fmt.Errorf("zone %s: waiting for nodes to prepare: %w", zr.Zone, err)
	case len(refused) > 0:
		return &RefusedError{Zone: zr.Zone, Reasons: refused}
	case len(pending) > 0:
		return &NotReadyError{Zone: zr.Zone, Nodes: pending, Timeout: o.ReadyTimeout}
	}
	return nil
}

// promoteAll flips the store's lock record in each zone and queues the
// announcement the zone's bridge applies (every node then swaps to the
// prepared module).
func promoteAll(ctx context.Context, st store.Store, e lock.Entry, o PushOptions, rep *Report) error {
	rep.PromotedAt = time.Now()
	for i := range rep.Zones {
		zr := &rep.Zones[i]
		if err := seedBaseline(ctx, st, zr.Zone, e, o.Baseline); err != nil {
			return fmt.Errorf("promoting in zone %s: %w", zr.Zone, err)
		}
		if _, err := st.SetPluginCurrent(ctx, zr.Zone, e.Name, e.Version); err != nil {
			return fmt.Errorf("promoting in zone %s: %w", zr.Zone, err)
		}
		if err := announce(ctx, st, zr.Zone, e); err != nil {
			return fmt.Errorf("promoting in zone %s: %w", zr.Zone, err)
		}
		zr.Promoted = true
	}
	mPushes.WithLabelValues("promoted").Inc()
	return nil
}

// switchedAll waits, zones in parallel, for every node of each prepared
// zone to report serving e: the switch time. A node that does not is
// reported (the version is promoted regardless; it catches up).
func switchedAll(ctx context.Context, e lock.Entry, o PushOptions, rep *Report) error {
	start := time.Now()
	var wg sync.WaitGroup
	for i := range rep.Zones {
		zr := &rep.Zones[i]
		rdb := o.Redis[zr.Zone]
		if rdb == nil || !zr.Prepared {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			nodes, err := waitSwitched(ctx, rdb, zr.Zone, e, o.NodeTTL, o.SwitchTimeout, start)
			zr.Switch = time.Since(start)
			for _, n := range nodes {
				if j := slices.IndexFunc(zr.Nodes, func(p NodeReport) bool { return p.Node == n.Node }); j >= 0 {
					zr.Nodes[j].Switched = n.Switched
				} else {
					zr.Nodes = append(zr.Nodes, n)
				}
			}
			if err != nil {
				zr.Err = err
			}
		}()
	}
	wg.Wait()
	rep.Switch = time.Since(start)
	mSwitchSeconds.Observe(rep.Switch.Seconds())
	var errs []error
	for i := range rep.Zones {
		if err := rep.Zones[i].Err; err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("push %s@%s: %w", e.Name, e.Version, errors.Join(errs...))
	}
	return nil
}

// waitSwitched waits until every live node of zone reports serving e (a
// promotion or a rollback), or timeout passes. It returns each live node
// with when it switched (Switched, from start); the error names the zone
// and the nodes that did not.
func waitSwitched(ctx context.Context, rdb redis.UniversalClient, zone string, e lock.Entry, ttl, timeout time.Duration, start time.Time) ([]NodeReport, error) {
	serving := func(r pluginsync.Report) bool { return r.Serving == e.SHA256 }
	nodes, pending, _, err := waitNodes(ctx, rdb, zones.KeysFor(zone), e, ttl, timeout, start, serving)
	for i := range nodes {
		nodes[i].Switched, nodes[i].Ready = nodes[i].Ready, 0
	}
	switch {
	case err != nil:
		return nodes, fmt.Errorf("zone %s: waiting for nodes to switch: %w", zone, err)
	case len(pending) > 0:
		return nodes, &NotSwitchedError{Zone: zone, Nodes: pending, Timeout: timeout}
	}
	return nodes, nil
}

// waitNodes polls the zone until every live node satisfies ok, one
// refuses e's digest, or timeout passes. It returns each live node with
// when it first satisfied ok (Ready, from start), the live nodes still
// pending, and the refusing nodes with their reasons. Liveness is judged
// by the Redis clock, the one the heartbeats use.
func waitNodes(ctx context.Context, rdb redis.UniversalClient, keys zones.Keys, e lock.Entry, ttl, timeout time.Duration,
	start time.Time, ok func(pluginsync.Report) bool) (nodes []NodeReport, pending []string, refused map[string]string, err error) {
	seen := map[string]time.Duration{}
	deadline := start.Add(timeout)
	for {
		now, err := rdb.Time(ctx).Result()
		if err != nil {
			return nodes, nil, nil, err
		}
		live, err := rdb.ZRangeByScore(ctx, keys.PluginNodes(), &redis.ZRangeBy{
			Min: fmt.Sprint(now.Add(-ttl).UnixMilli()), Max: "+inf"}).Result()
		if err != nil {
			return nodes, nil, nil, err
		}
		reps, err := rdb.HGetAll(ctx, keys.PluginReports(e.Name)).Result()
		if err != nil {
			return nodes, nil, nil, err
		}
		nodes, pending, refused = nodes[:0], pending[:0], map[string]string{}
		slices.Sort(live)
		for _, n := range live {
			var r pluginsync.Report
			_ = json.Unmarshal([]byte(reps[n]), &r)
			nr := NodeReport{Node: n}
			switch {
			case ok(r):
				if _, was := seen[n]; !was {
					seen[n] = time.Since(start)
				}
				nr.Ready = seen[n]
			case r.Refused == e.SHA256:
				nr.Refused = r.Reason
				refused[n] = r.Reason
			default:
				pending = append(pending, n)
			}
			nodes = append(nodes, nr)
		}
		if len(refused) > 0 || len(pending) == 0 || time.Now().After(deadline) {
			return nodes, pending, refused, nil
		}
		select {
		case <-ctx.Done():
			return nodes, pending, refused, ctx.Err()
		case <-time.After(pollEvery):
		}
	}
}

// unstageAll removes e's staged entry from every zone it was staged in,
// unless another push staged something else meanwhile, and announces it:
// a node that prepared e and does not serve it (the push gave up) then
// unloads it. The module stays (the bridge and the nodes use it; garbage
// collection removes it once nothing references it). It also forgets nodes silent for forgetAfter
// and their reports, so restarted processes do not pile up.
func unstageAll(o PushOptions, e lock.Entry) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, z := range o.Zones {
		rdb := o.Redis[z]
		if rdb == nil {
			continue
		}
		keys := zones.KeysFor(z)
		if n, err := unstage.Run(ctx, rdb, []string{keys.PluginsStaged()}, e.Name, e.SHA256).Int(); err == nil && n == 1 {
			_ = rdb.Publish(ctx, keys.PluginsChanged(), e.Name).Err()
		}
		forgetNodes(ctx, rdb, keys, e.Name, forgetAfter(o.NodeTTL))
	}
}

// forgetAfter: a node silent this long is gone for good (a restarted
// process is a new node), not merely slow.
func forgetAfter(ttl time.Duration) time.Duration { return max(6*ttl, time.Minute) }

// forgetNodes drops nodes silent for longer than after from the zone's
// node set, and from name's reports every node no longer in the set.
func forgetNodes(ctx context.Context, rdb redis.UniversalClient, keys zones.Keys, name string, after time.Duration) {
	now, err := rdb.Time(ctx).Result()
	if err != nil {
		return
	}
	_ = rdb.ZRemRangeByScore(ctx, keys.PluginNodes(), "-inf", fmt.Sprint(now.Add(-after).UnixMilli())).Err()
	nodes, err := rdb.ZRange(ctx, keys.PluginNodes(), 0, -1).Result()
	if err != nil {
		return
	}
	reported, err := rdb.HKeys(ctx, keys.PluginReports(name)).Result()
	if err != nil {
		return
	}
	var gone []string
	for _, n := range reported {
		if !slices.Contains(nodes, n) {
			gone = append(gone, n)
		}
	}
	if len(gone) > 0 {
		_ = rdb.HDel(ctx, keys.PluginReports(name), gone...).Err()
	}
}

// unstage deletes a staged entry only if it still names this digest.
var unstage = redis.NewScript(`
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if raw and string.find(raw, ARGV[2], 1, true) then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0`)
