package journal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/internal/jsondec"
	"github.com/runbookhq/runbook/engine/store"
)

// ErrBusy means another flusher holds the zone's journal lock.
var ErrBusy = errors.New("journal: another flusher holds the lock")

const lockTTL = 30 * time.Second

// trimIfOwner drops, from each list, the rows a flusher wrote, only while
// it still holds the lock: a flusher whose lock expired mid-write must not
// trim rows a successor has not seen (it may re-write ours; that is
// harmless). KEYS: lock, lists; ARGV: token, rows to drop per list.
var trimIfOwner = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
for i = 2, #KEYS do redis.call('LTRIM', KEYS[i], tonumber(ARGV[i]), -1) end
return 1
`)

// delLastRunIfSame removes a flushed lastrun unless a newer one arrived.
var delLastRunIfSame = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if redis.call('HGET', KEYS[2], ARGV[2]) == ARGV[3] then redis.call('HDEL', KEYS[2], ARGV[2]) end
return 1
`)

var unlock = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// Flush moves up to batch records of each kind to st. It returns how many
// records reached the store; with ErrBusy another flusher is at work.
//
// Round trips: one when the journal is empty (the counts; no lock, so an
// idle zone costs Redis one pipeline per interval), otherwise lock, one
// pipelined read of the three lists, the store writes, one trim of all
// three, lastruns, unlock.
func (j *Journal) Flush(ctx context.Context, st store.Store, batch int) (int, error) {
	if n, err := j.Pending(ctx); err != nil || n == 0 {
		return 0, err
	}
	lockKey := j.keys.BehindLock()
	token := newToken()
	ok, err := j.rdb.SetNX(ctx, lockKey, token, lockTTL).Result()
	if err != nil {
		return 0, fmt.Errorf("journal %s: locking: %w", j.zone, err)
	}
	if !ok {
		return 0, ErrBusy
	}
	defer unlock.Run(context.WithoutCancel(ctx), j.rdb, []string{lockKey}, token)

	lists := []string{j.keys.BehindHistory(), j.keys.BehindEvents(), j.keys.BehindReactionLogs()}
	cmds := make([]*redis.StringSliceCmd, len(lists))
	if _, err := j.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, key := range lists {
			cmds[i] = p.LRange(ctx, key, 0, int64(batch)-1)
		}
		return nil
	}); err != nil {
		return 0, fmt.Errorf("journal %s: reading: %w", j.zone, err)
	}
	writes := []func([]string) (int, error){
		func(raw []string) (int, error) {
			if eh, ok := st.(store.EncodedHistory); ok {
				return writeEncodedHistory(ctx, j, lists[0], raw, eh)
			}
			return write(ctx, j, lists[0], raw, jsondec.Result, func(rows []engine.Result) error { return st.AddHistory(ctx, rows...) })
		},
		func(raw []string) (int, error) {
			// Events carry a zone's new status: the store's monitor status
			// is recomputed (quorum over zones) only when an event says a
			// zone changed, not once per check.
			return write(ctx, j, lists[1], raw, decodeJSON[engine.Event], func(rows []engine.Event) error {
				if err := st.AddEvents(ctx, rows...); err != nil {
					return err
				}
				return setMonitorStatuses(ctx, st, rows)
			})
		},
		func(raw []string) (int, error) {
			return write(ctx, j, lists[2], raw, decodeJSON[engine.ReactionLog], func(rows []engine.ReactionLog) error { return st.AddReactionLogs(ctx, rows...) })
		},
	}
	// Each list is trimmed only once its rows are in the store; one script
	// trims every list that made it.
	total := 0
	var trimKeys []string
	trimArgs := []any{token}
	var werr error
	for i, w := range writes {
		raw := cmds[i].Val()
		if len(raw) == 0 {
			continue
		}
		n, err := w(raw)
		if err != nil {
			werr = err
			break
		}
		total += n
		trimKeys = append(trimKeys, lists[i])
		trimArgs = append(trimArgs, len(raw))
	}
	if len(trimKeys) > 0 {
		res, err := trimIfOwner.Run(ctx, j.rdb, append([]string{lockKey}, trimKeys...), trimArgs...).Int()
		if err != nil {
			return 0, fmt.Errorf("journal %s: trimming: %w", j.zone, err)
		}
		if res < 0 {
			return 0, ErrBusy
		}
	}
	if werr != nil {
		return total, werr
	}
	n, err := j.flushLastRun(ctx, st, lockKey, token)
	return total + n, err
}

// write decodes raw rows of key and hands them to the store. A row that
// does not decode is moved aside for a person, never retried forever.
func write[T any](ctx context.Context, j *Journal, key string, raw []string, decode func([]byte, *T) error, put func([]T) error) (int, error) {
	rows := make([]T, 0, len(raw))
	var dead deadRows
	for _, r := range raw {
		var v T
		if err := decode([]byte(r), &v); err != nil {
			dead.add(r, err)
			continue
		}
		rows = append(rows, v)
	}
	if len(rows) > 0 {
		if err := put(rows); err != nil {
			return 0, fmt.Errorf("journal %s: writing %d rows of %s to the store: %w", j.zone, len(rows), key, err)
		}
	}
	dead.moveAside(ctx, j, key)
	return len(rows), nil
}

// deadRows are rows that do not decode. They are moved aside (for a
// person, never retried forever) only once the rest of their batch is
// stored, i.e. when the batch is about to be trimmed: a batch the store
// refused is read again, and its dead rows must not be moved twice.
type deadRows struct {
	rows []any
	errs []error
}

func (d *deadRows) add(row string, err error) {
	d.rows = append(d.rows, row)
	d.errs = append(d.errs, err)
}

func (d *deadRows) moveAside(ctx context.Context, j *Journal, key string) {
	if len(d.rows) == 0 {
		return
	}
	if err := j.rdb.RPush(ctx, key+":dead", d.rows...).Err(); err != nil {
		slog.Error("journal: moving undecodable rows aside", "zone", j.zone, "key", key, "rows", len(d.rows), "err", err)
	}
	for _, err := range d.errs {
		slog.Error("journal: undecodable row moved aside", "zone", j.zone, "key", key, "err", err)
	}
}

// writeEncodedHistory hands history rows to the store as the journal holds
// them: only id, monitor and time are read (and the rest checked) on the
// fast path, nothing is re-encoded, and all rows share one buffer. A row
// the fast path cannot vouch for is decoded; one that does not decode is
// moved aside, as in write.
func writeEncodedHistory(ctx context.Context, j *Journal, key string, raw []string, st store.EncodedHistory) (int, error) {
	size := 0
	for _, r := range raw {
		size += len(r)
	}
	buf := make([]byte, 0, size)
	rows := make([]store.EncodedResult, 0, len(raw))
	var h jsondec.Head
	var dead deadRows
	for _, r := range raw {
		start := len(buf)
		buf = append(buf, r...)
		b := buf[start:len(buf):len(buf)]
		if jsondec.ResultHead(b, &h) {
			rows = append(rows, store.EncodedResult{ID: string(h.ID), MonitorID: string(h.MonitorID), At: h.At, JSON: b})
			continue
		}
		var res engine.Result
		if err := jsondec.Result(b, &res); err != nil || res.ID == "" {
			if err == nil {
				err = errors.New("no id")
			}
			dead.add(r, err)
			continue
		}
		rows = append(rows, store.EncodedResult{ID: res.ID, MonitorID: res.MonitorID, At: res.Time(), JSON: b})
	}
	if len(rows) > 0 {
		if err := st.AddEncodedHistory(ctx, rows); err != nil {
			return 0, fmt.Errorf("journal %s: writing %d rows of %s to the store: %w", j.zone, len(rows), key, err)
		}
	}
	dead.moveAside(ctx, j, key)
	return len(rows), nil
}

func decodeJSON[T any](b []byte, v *T) error { return json.Unmarshal(b, v) }

func (j *Journal) flushLastRun(ctx context.Context, st store.Store, lockKey, token string) (int, error) {
	all, err := j.rdb.HGetAll(ctx, j.keys.BehindLastRun()).Result()
	if err != nil {
		return 0, fmt.Errorf("journal %s: reading lastruns: %w", j.zone, err)
	}
	n := 0
	for id, v := range all {
		err := st.SetReactionLastRun(ctx, id, lastRunFrom(v))
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return n, fmt.Errorf("journal %s: writing lastrun of %s: %w", j.zone, id, err)
		}
		if _, err := delLastRunIfSame.Run(ctx, j.rdb, []string{lockKey, j.keys.BehindLastRun()}, token, id, v).Result(); err != nil {
			return n, fmt.Errorf("journal %s: clearing lastrun of %s: %w", j.zone, id, err)
		}
		n++
	}
	return n, nil
}

func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Run flushes every interval until ctx ends. Store outages are logged once
// and retried; the journal holds the records meanwhile.
func (j *Journal) Run(ctx context.Context, st store.Store, interval time.Duration, batch int, log *slog.Logger) {
	if log == nil {
		log = slog.Default()
	}
	log = log.With("zone", j.zone, "component", "journal")
	t := time.NewTicker(interval)
	defer t.Stop()
	failing := false
	for {
		for ctx.Err() == nil {
			start := time.Now()
			n, err := j.Flush(ctx, st, batch)
			if !errors.Is(err, ErrBusy) {
				mFlushSeconds.WithLabelValues(j.zone).Observe(time.Since(start).Seconds())
			}
			if err != nil && !errors.Is(err, ErrBusy) && ctx.Err() == nil {
				mFlushFailed.WithLabelValues(j.zone).Inc()
			}
			switch {
			case err == nil && failing:
				log.Info("store reachable again, journal draining")
				failing = false
			case err != nil && !errors.Is(err, ErrBusy) && !failing && ctx.Err() == nil:
				log.Warn("store write failed, records stay in the journal (cache-only)", "err", err)
				failing = true
			}
			mFlushed.WithLabelValues(j.zone).Add(float64(n))
			if err != nil || n < batch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
