// Package rollout is what `runbook plugin push|rollback` and the admin
// plugin API do: record a
// plugin version in the store (module by digest, lock-entry record), make
// it current in the zones named, and announce it through those zones'
// queues, where each bridge copies it to the zone's Redis and every worker
// and actioner there loads it (host/pluginsync). cmd/ only parses flags.
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
	"github.com/tetratelabs/wazero"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/lock"
)

// PushOptions for Push.
type PushOptions struct {
	// Zones to make the version current in; required, so a staged rollout
	// (one zone, then the rest) is always an explicit choice.
	Zones []string
	// Grant, when not nil, is every capability the operator allows: a
	// module asking for more is refused here. Nil grants what the
	// manifest asks (reviewed in the push's output, like a lock diff).
	Grant []string
	// Limits override the host defaults for this version (optional).
	Limits *lock.Limits
	// Cache speeds up inspection (may be nil).
	Cache wazero.CompilationCache
	// Actor is who pushes, for the audit trail (e.g. "cli:alice").
	Actor string

	// Redis reaches each zone's Redis by zone name, for the two-phase
	// rollout (prepare on every node, then promote). A zone without one
	// is promoted at once, unprepared: its nodes compile at the switch,
	// and its ZoneReport says so.
	Redis map[string]redis.UniversalClient
	// ReadyTimeout bounds the prepare phase (default DefaultReadyTimeout).
	ReadyTimeout time.Duration
	// SwitchTimeout bounds waiting, after promoting, for every node to
	// report it serves the new digest (default DefaultSwitchTimeout).
	SwitchTimeout time.Duration
	// NodeTTL: a node whose last heartbeat is older is not waited for
	// (default DefaultNodeTTL).
	NodeTTL time.Duration
	// LockTTL: the push holds its plugin's push lock in each zone's Redis
	// (one push per plugin at a time), refreshed every third of this; a
	// crashed pusher's lock expires after it (default DefaultLockTTL).
	LockTTL time.Duration
	// Baseline is the plugins.lock the zones' nodes run (LoadBaseline):
	// a zone's first push of a plugin records the baseline's version as
	// the one before, so `plugin rollback` can return to it.
	Baseline []lock.Entry
}

// Push inspects wasm, then rolls it out to every zone named in two
// phases: prepare (the module is staged in the zone Redis and every live
// node fetches, verifies and compiles it beside the running version and
// reports ready), then, only once every zone is ready, promote (the
// store's lock record flips, the bridge announces it, and each node swaps
// a pointer). If any node refuses the module, or is not ready within
// ReadyTimeout, nothing is promoted anywhere and the error names the
// zones and nodes. The store records the version only once every zone
// is ready, so a refused module changes nothing there.
//
// The report is filled as far as the push got, also on error.
func Push(ctx context.Context, st store.Store, wasm []byte, o PushOptions) (Report, error) {
	o = o.withDefaults()
	var rep Report
	if len(o.Zones) == 0 {
		return rep, errors.New("push: name the zones (-zones a,b): rollout is zone by zone by choice")
	}
	t0 := time.Now()
	info, err := host.Inspect(ctx, wasm, o.Cache)
	if err != nil {
		return rep, fmt.Errorf("push: %w", err)
	}
	rep.Inspect = time.Since(t0)
	m := info.Manifest
	e := lock.Entry{Name: m.Name, Version: m.Version, Kind: m.Kind, ABI: m.ABI, SHA256: info.Digest,
		Capabilities: append([]string{}, m.Capabilities...), Limits: o.Limits}
	rep.Entry = e
	if o.Grant != nil {
		for _, c := range m.Capabilities {
			if !slices.Contains(o.Grant, c) {
				return rep, fmt.Errorf("push %s@%s: manifest asks for capability %q, not in -grant %v", e.Name, e.Version, c, o.Grant)
			}
		}
	}
	// Refuse a version number reused for other bytes before any node
	// loads it: a node holding the wrong module under a version could
	// never load the right one.
	if old, err := st.GetPluginRecord(ctx, e.Name, e.Version); err == nil && old.SHA256 != e.SHA256 {
		return rep, fmt.Errorf("push %s@%s: the store records this version with sha256 %s, this module is %s: %w (bump the version)",
			e.Name, e.Version, old.SHA256, e.SHA256, store.ErrConflict)
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return rep, fmt.Errorf("push %s@%s: %w", e.Name, e.Version, err)
	}

	// One push per plugin at a time: two would stage over each other and
	// both promote, leaving the last one current and the other as the
	// rollback target. The lock is released after unstaging (defers run
	// last first).
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	unlock, err := lockPush(ctx, o, e, stop)
	if err != nil {
		return rep, fmt.Errorf("push %s@%s: %w", e.Name, e.Version, err)
	}
	defer unlock()
	rep.Zones = make([]ZoneReport, len(o.Zones))
	for i, z := range o.Zones {
		rep.Zones[i].Zone = z
	}
	defer unstageAll(o, e)
	if err := prepareAll(ctx, wasm, e, o, &rep); err != nil {
		return rep, fmt.Errorf("push %s@%s: %w", e.Name, e.Version, err)
	}

	if err := st.PutPluginBlob(ctx, e.SHA256, wasm); err != nil {
		return rep, fmt.Errorf("push %s@%s: %w", e.Name, e.Version, err)
	}
	if err := st.PutPluginRecord(ctx, e); err != nil {
		return rep, fmt.Errorf("push %s@%s: %w", e.Name, e.Version, err)
	}
	if err := promoteAll(ctx, st, e, o, &rep); err != nil {
		return rep, fmt.Errorf("push %s@%s: %w", e.Name, e.Version, err)
	}
	audit(ctx, st, o.Actor, "create", e.Name+"@"+e.Version, append([]string{"sha256:" + e.SHA256}, prefixed("zone:", o.Zones)...))
	return rep, switchedAll(ctx, e, o, &rep)
}

// audit records a plugin change in the deployment-wide audit trail. A
// failure to record is not a failure of the change (the web does the
// same): the plugin is already serving.
func audit(ctx context.Context, st store.Store, actor, action, object string, fields []string) {
	if actor == "" {
		actor = "cli"
	}
	now := time.Now().UTC()
	_ = st.AddAudit(ctx, store.AuditEntry{
		ID: fmt.Sprintf("plugin.%d", now.UnixNano()), At: now, UserID: actor,
		Action: action, ObjectType: "plugin", ObjectID: object, Fields: fields,
	})
}

func prefixed(p string, xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = p + x
	}
	return out
}

// Rolled is one zone's result of Rollback.
type Rolled struct {
	Zone     string
	From, To store.PluginVersionRef
	// Waited: RollbackWait had the zone's Redis and waited for its nodes
	// (false: the switch was announced but not confirmed).
	Waited bool
	// Nodes are the zone's live nodes, each with when it reported serving
	// To (Switched, zero when it did not), both from the start of the
	// rollback; Switch is until the last of them.
	Nodes  []NodeReport
	Switch time.Duration
	// Err is why the zone's switch is unconfirmed (nil when all switched).
	Err error
}

// RollbackOptions for RollbackWait.
type RollbackOptions struct {
	// Zones to roll back; empty means every zone that runs the plugin.
	Zones []string
	Actor string
	// Redis reaches each zone's Redis by zone name, to wait for its nodes;
	// a zone without one is rolled back without waiting.
	Redis map[string]redis.UniversalClient
	// SwitchTimeout bounds waiting for every node to report serving the
	// previous version (default DefaultSwitchTimeout).
	SwitchTimeout time.Duration
	// NodeTTL: a node whose last heartbeat is older is not waited for
	// (default DefaultNodeTTL).
	NodeTTL time.Duration
}

// RollbackWait is Rollback, then, like a push after promotion, it waits,
// zones in parallel, for every live node of each rolled-back zone with a
// Redis to report serving the previous version, filling each Rolled with
// who switched and when. The rollback stands whatever the wait finds; the
// error then names the zones and nodes that did not confirm.
func RollbackWait(ctx context.Context, st store.Store, name string, o RollbackOptions) ([]Rolled, error) {
	w := PushOptions{SwitchTimeout: o.SwitchTimeout, NodeTTL: o.NodeTTL}.withDefaults()
	// Timed from before the store flips: a node may swap while Rollback
	// is still auditing, and that is part of what the operator waits for.
	start := time.Now()
	rolled, err := Rollback(ctx, st, name, o.Zones, o.Actor)
	var wg sync.WaitGroup
	for i := range rolled {
		r := &rolled[i]
		rdb := o.Redis[r.Zone]
		if rdb == nil {
			continue
		}
		r.Waited = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := lock.Entry{Name: name, Version: r.To.Version, SHA256: r.To.SHA256}
			r.Nodes, r.Err = waitSwitched(ctx, rdb, r.Zone, e, w.NodeTTL, w.SwitchTimeout, start)
			r.Switch = time.Since(start)
		}()
	}
	wg.Wait()
	var unconfirmed []error
	for _, r := range rolled {
		if r.Err != nil {
			unconfirmed = append(unconfirmed, r.Err)
		}
	}
	if len(unconfirmed) > 0 {
		err = errors.Join(err, fmt.Errorf("rollback %s: %w", name, errors.Join(unconfirmed...)))
	}
	return rolled, err
}

// Rollback returns name to its previous version in the zones named, or in
// every zone that runs it when zones is empty, and announces it there. It
// stops at the first zone that fails (no previous version, store down),
// reporting the zones already rolled back.
func Rollback(ctx context.Context, st store.Store, name string, zones []string, actor string) ([]Rolled, error) {
	if len(zones) == 0 {
		ds, err := st.ListPluginDeployments(ctx, "", name)
		if err != nil {
			return nil, fmt.Errorf("rollback %s: %w", name, err)
		}
		for _, d := range ds {
			zones = append(zones, d.Zone)
		}
		if len(zones) == 0 {
			return nil, fmt.Errorf("rollback %s: no zone runs it: %w", name, store.ErrNotFound)
		}
	}
	var out []Rolled
	for _, z := range zones {
		before, err := st.GetPluginDeployment(ctx, z, name)
		if err != nil {
			return out, fmt.Errorf("rollback %s in zone %s: %w", name, z, err)
		}
		d, err := st.RollbackPlugin(ctx, z, name)
		if err != nil {
			return out, fmt.Errorf("rollback %s in zone %s: %w", name, z, err)
		}
		e, err := st.GetPluginRecord(ctx, name, d.Version)
		if err != nil {
			return out, fmt.Errorf("rollback %s in zone %s: %w", name, z, err)
		}
		if err := announce(ctx, st, z, e); err != nil {
			return out, fmt.Errorf("rollback %s in zone %s: %w", name, z, err)
		}
		out = append(out, Rolled{Zone: z, From: store.PluginVersionRef{Version: before.Version, SHA256: before.SHA256},
			To: store.PluginVersionRef{Version: d.Version, SHA256: d.SHA256}})
		audit(ctx, st, actor, "update", name+"@"+d.Version, []string{"rollback_from:" + before.Version, "zone:" + z})
	}
	return out, nil
}

// announce queues the version for the zone's bridge. The payload is the
// entry for people reading the queue; the bridge reads the store's current
// deployment, so a late or repeated entry converges on the truth.
func announce(ctx context.Context, st store.Store, zone string, e lock.Entry) error {
	e.Path = ""
	payload, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encoding %s@%s: %w", e.Name, e.Version, err)
	}
	if err := st.Enqueue(ctx, zone, engine.QueueEntry{Zone: zone, Op: engine.OpPlugin, ObjectID: e.Name, Payload: payload}); err != nil {
		return fmt.Errorf("announcing to zone %s: %w", zone, err)
	}
	return nil
}

// Export returns the store's records as a lock file: for each plugin the
// version current in zone first (the first zone listed when zone is ""),
// then its other versions; Path names where WriteModules puts the bytes.
func Export(ctx context.Context, st store.Store, zone string) (*lock.File, error) {
	recs, err := st.ListPluginRecords(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("export plugins: %w", err)
	}
	ds, err := st.ListPluginDeployments(ctx, zone, "")
	if err != nil {
		return nil, fmt.Errorf("export plugins: %w", err)
	}
	current := map[string]string{}
	for _, d := range ds {
		if _, seen := current[d.Name]; !seen {
			current[d.Name] = d.Version
		}
	}
	f := &lock.File{FormatVersion: lock.FormatVersion}
	for _, e := range recs {
		e.Path = ModulePath(e)
		f.Plugins = append(f.Plugins, e)
	}
	// Put moves an entry first among its name: current versions go last.
	for _, e := range f.Plugins {
		if current[e.Name] == e.Version {
			f.Put(e)
		}
	}
	return f, nil
}

// ModulePath is where an exported lock expects a version's module,
// relative to the lock file.
func ModulePath(e lock.Entry) string {
	return "build/plugins/" + e.Name + "-" + e.Version + ".wasm"
}
