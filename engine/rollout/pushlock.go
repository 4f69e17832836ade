package rollout

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/host/lock"
	"github.com/runbookhq/runbook/zones"
)

// DefaultLockTTL is how long a push's lock outlives its pusher: it is
// refreshed every third of it, so only a pusher gone that long (crashed,
// partitioned) loses it.
const DefaultLockTTL = 30 * time.Second

// ErrPushInProgress: another push of the same plugin holds a zone's push
// lock. Nothing was changed; push again once it is done.
var ErrPushInProgress = errors.New("another push of this plugin is in progress")

// BusyError names the zone and the push holding it (errors.Is
// ErrPushInProgress).
type BusyError struct {
	Zone, Plugin string
	// Holder is the other push: who, which version, since when.
	Holder PushHolder
	// ExpiresIn is how long the lock lasts if its pusher stops
	// refreshing it (crashed).
	ExpiresIn time.Duration
}

// PushHolder is the value of a zone's push lock.
type PushHolder struct {
	Token   string `json:"token"`
	Actor   string `json:"actor"`
	Version string `json:"version"`
	Since   int64  `json:"since"` // unix ms, the pusher's clock
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("zone %s: another push of %s is in progress (%s by %s since %s; if that pusher died, its lock expires in %s): wait for it, then push again",
		e.Zone, e.Plugin, e.Holder.Version, e.Holder.Actor, time.UnixMilli(e.Holder.Since).UTC().Format(time.RFC3339), e.ExpiresIn.Round(time.Second))
}

func (e *BusyError) Unwrap() error { return ErrPushInProgress }

// lockPush takes the push lock of e's plugin in every zone of the push
// with a Redis (in name order), or none: a zone already locked is a
// *BusyError. The lock is refreshed until unlock; if it is lost (the
// pusher stalled past its TTL and another took it) lost is called, and
// the push stops.
func lockPush(ctx context.Context, o PushOptions, e lock.Entry, lost func(error)) (unlock func(), err error) {
	var b [16]byte
	_, _ = rand.Read(b[:])
	actor := o.Actor
	if actor == "" {
		actor = "cli"
	}
	value, _ := json.Marshal(PushHolder{Token: hex.EncodeToString(b[:]), Actor: actor, Version: e.Version, Since: time.Now().UnixMilli()})
	zs := slices.Sorted(slices.Values(o.Zones))
	var held []string
	release := func() {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, z := range held {
			_ = unlockScript.Run(cctx, o.Redis[z], []string{zones.KeysFor(z).PluginPushLock(e.Name)}, value).Err()
		}
	}
	for _, z := range slices.Compact(zs) {
		rdb := o.Redis[z]
		if rdb == nil {
			continue
		}
		key := zones.KeysFor(z).PluginPushLock(e.Name)
		ok, err := rdb.SetNX(ctx, key, value, o.LockTTL).Result()
		if err != nil {
			release()
			return nil, fmt.Errorf("zone %s: taking the push lock: %w", z, err)
		}
		if !ok {
			release()
			return nil, busy(ctx, rdb, z, e.Name, key)
		}
		held = append(held, z)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(o.LockTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			for _, z := range held {
				n, err := refreshScript.Run(ctx, o.Redis[z], []string{zones.KeysFor(z).PluginPushLock(e.Name)}, value, o.LockTTL.Milliseconds()).Int()
				if err == nil && n == 0 {
					lost(fmt.Errorf("zone %s: lost the push lock of %s (this pusher stalled past %s): %w", z, e.Name, o.LockTTL, ErrPushInProgress))
				}
			}
		}
	}()
	return func() { close(stop); wg.Wait(); release() }, nil
}

// busy reads who holds key for the error; a lock gone meanwhile is still
// busy (retrying is the caller's choice).
func busy(ctx context.Context, rdb redis.UniversalClient, zone, name, key string) error {
	be := &BusyError{Zone: zone, Plugin: name}
	if raw, err := rdb.Get(ctx, key).Result(); err == nil {
		_ = json.Unmarshal([]byte(raw), &be.Holder)
	}
	be.ExpiresIn, _ = rdb.PTTL(ctx, key).Result()
	return be
}

// Only the holder refreshes or releases a lock.
var (
	refreshScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`)
	unlockScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)
)
