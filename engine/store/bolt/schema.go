package bolt

import (
	"encoding/binary"
	"errors"
	"fmt"

	"go.etcd.io/bbolt"
)

// Bucket names. Changing one is a schema change: add a migration.
var (
	bucketMeta = []byte("meta")

	bucketMonitors        = []byte("monitors")
	bucketMonitorsByOwner = []byte("monitors_by_owner")

	bucketReactions        = []byte("reactions")
	bucketReactionsByOwner = []byte("reactions_by_owner")

	bucketHistory          = []byte("history")
	bucketHistoryIDs       = []byte("history_ids")
	bucketHistoryByMonitor = []byte("history_by_monitor")

	bucketEvents          = []byte("events")
	bucketEventIDs        = []byte("event_ids")
	bucketEventsByMonitor = []byte("events_by_monitor")

	bucketLogs          = []byte("reaction_logs")
	bucketLogIDs        = []byte("reaction_log_ids")
	bucketLogsByMonitor = []byte("reaction_logs_by_monitor")

	bucketQueues = []byte("queues")

	bucketUsers        = []byte("users")
	bucketUsersByEmail = []byte("users_by_email")
	bucketTokens       = []byte("tokens")
)

var keySchemaVersion = []byte("schema_version")

// ErrSchemaTooNew is returned by Open when the file was written by a newer
// Runbook than this one: reading it could silently lose what it added.
var ErrSchemaTooNew = errors.New("store schema is newer than this binary supports")

// migration moves a store from version-1 to version. Each runs in its own
// transaction together with the version bump, so a crash mid-upgrade leaves
// the file at a consistent, known version.
type migration struct {
	version int
	name    string
	apply   func(tx *bbolt.Tx) error
}

// migrations is the schema's history, oldest first. Append, never edit.
var migrations = []migration{
	{version: 1, name: "create buckets", apply: createBuckets},
}

func createBuckets(tx *bbolt.Tx) error {
	for _, name := range [][]byte{
		bucketMonitors, bucketMonitorsByOwner,
		bucketReactions, bucketReactionsByOwner,
		bucketHistory, bucketHistoryIDs, bucketHistoryByMonitor,
		bucketEvents, bucketEventIDs, bucketEventsByMonitor,
		bucketLogs, bucketLogIDs, bucketLogsByMonitor,
		bucketQueues,
		bucketUsers, bucketUsersByEmail, bucketTokens,
	} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// migrate brings db up to the newest version in migs, or refuses a file
// that is already newer.
func migrate(db *bbolt.DB, migs []migration) error {
	latest := 0
	if len(migs) > 0 {
		latest = migs[len(migs)-1].version
	}
	var current int
	err := db.Update(func(tx *bbolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return fmt.Errorf("create meta bucket: %w", err)
		}
		current = readVersion(meta)
		return nil
	})
	if err != nil {
		return err
	}
	if current > latest {
		return fmt.Errorf("%w: file has schema version %d, this binary knows up to %d; run a newer runbook",
			ErrSchemaTooNew, current, latest)
	}
	for _, m := range migs {
		if m.version <= current {
			continue
		}
		err := db.Update(func(tx *bbolt.Tx) error {
			if err := m.apply(tx); err != nil {
				return err
			}
			return writeVersion(tx.Bucket(bucketMeta), m.version)
		})
		if err != nil {
			return fmt.Errorf("migrate schema to version %d (%s): %w", m.version, m.name, err)
		}
	}
	return nil
}

func readVersion(meta *bbolt.Bucket) int {
	v := meta.Get(keySchemaVersion)
	if len(v) != 8 {
		return 0
	}
	return int(binary.BigEndian.Uint64(v))
}

func writeVersion(meta *bbolt.Bucket, v int) error {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(v))
	return meta.Put(keySchemaVersion, b[:])
}
