package pluginsync

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/redis/go-redis/v9"
)

// Report is one node's account of one plugin in the zone's
// PluginReports hash: what new calls use, what it prepared for a staged
// rollout, what it refused and why. engine/rollout reads it to decide
// when to promote and to confirm the switch.
type Report struct {
	Node string `json:"node"`
	// Serving is the digest (and version) new calls use.
	Serving        string `json:"serving,omitempty"`
	ServingVersion string `json:"serving_version,omitempty"`
	// Ready is the staged digest this node has fetched, verified and
	// compiled beside Serving: promoting it is a pointer swap.
	Ready string `json:"ready,omitempty"`
	// Refused is the last digest this node refused for this plugin
	// (staged or announced), with the reason; Serving did not change.
	Refused string `json:"refused,omitempty"`
	Reason  string `json:"reason,omitempty"`
	// At is when the node wrote this (unix ms, the node's clock; for
	// people reading it).
	At int64 `json:"at"`
}

// DefaultNodeID names this process: host, pid and a random suffix, so a
// restarted process is a new node (its predecessor's heartbeat simply
// ages out).
func DefaultNodeID() string {
	hn, _ := os.Hostname()
	var b [3]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", hn, os.Getpid(), hex.EncodeToString(b[:]))
}

// report writes name's report when it differs from the last one written
// (force: always, after a (re)subscription, when Redis may have lost it).
func (s *syncer) report(ctx context.Context, name string, force bool) {
	r := Report{Node: s.o.Node, Ready: s.ready[name]}
	r.ServingVersion, r.Serving, _ = s.o.Host.Current(name)
	if ref, ok := s.lastRefused[name]; ok {
		r.Refused, r.Reason = ref, s.refusedNow[ref]
	}
	key, _ := json.Marshal(r)
	if !force && s.reported[name] == string(key) {
		return
	}
	r.At = time.Now().UnixMilli()
	raw, _ := json.Marshal(r)
	if err := s.o.Redis.HSet(ctx, s.keys.PluginReports(name), s.o.Node, raw).Err(); err != nil {
		if ctx.Err() == nil {
			s.log.Warn("writing plugin report", "plugin", name, "err", err)
		}
		return
	}
	s.reported[name] = string(key)
}

// heartbeat tells the zone this node is alive every o.Heartbeat, with the
// Redis clock (so a pusher on another machine needs no synchronised
// clock), and leaves the zone's node set when ctx ends.
func (s *syncer) heartbeat(ctx context.Context) {
	t := time.NewTicker(s.o.Heartbeat)
	defer t.Stop()
	for {
		s.beat(ctx)
		select {
		case <-ctx.Done():
			// A node that stops cleanly is not waited for; one that dies
			// ages out of the set (rollout's NodeTTL).
			cctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			_ = s.o.Redis.ZRem(cctx, s.keys.PluginNodes(), s.o.Node).Err()
			cancel()
			return
		case <-t.C:
		}
	}
}

func (s *syncer) beat(ctx context.Context) {
	now, err := s.o.Redis.Time(ctx).Result()
	if err == nil {
		err = s.o.Redis.ZAdd(ctx, s.keys.PluginNodes(), redisZ(now, s.o.Node)).Err()
	}
	if err != nil && ctx.Err() == nil {
		s.log.Warn("plugin node heartbeat failed; retried", "err", err, "in", s.o.Heartbeat)
	}
}

func redisZ(now time.Time, node string) redis.Z {
	return redis.Z{Score: float64(now.UnixMilli()), Member: node}
}
