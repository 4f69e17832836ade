package engine

import "encoding/json"

// QueueOp is what a zone queue entry asks the bridge to do.
type QueueOp string

const (
	OpUpsertMonitor  QueueOp = "monitor.upsert"
	OpDeleteMonitor  QueueOp = "monitor.delete"
	OpUpsertReaction QueueOp = "reaction.upsert"
	OpDeleteReaction QueueOp = "reaction.delete"
	// OpResult carries a webhook/heartbeat/manual result for the zone's
	// actioners.
	OpResult QueueOp = "result"
	// OpPlugin announces a plugin version to load.
	OpPlugin QueueOp = "plugin"
)

// QueueEntry is one instruction for one zone's bridge. Entries carry the
// object's id, not a copy: the bridge reads the current object from the
// store, so applying an old entry late (or twice) converges on the truth.
// Results are the exception, carried whole in Payload.
type QueueEntry struct {
	// ID is assigned by the store and orders entries within a zone.
	ID       string          `json:"id"`
	Zone     string          `json:"zone"`
	Op       QueueOp         `json:"op"`
	ObjectID string          `json:"object_id"`
	Payload  json.RawMessage `json:"payload,omitempty"`
}
