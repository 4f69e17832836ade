// Package bridge connects the store (the truth) to one zone's Redis (the
// cache the zone runs from). A bridge reads only its zone's queue, applies
// each entry to Redis idempotently and removes it from the queue only once
// applied; it forwards webhook results to the zone's action broker; and it
// can rebuild the zone's Redis from the store (Repopulate) after a loss.
//
// Entries name objects rather than carry copies: applying one reads the
// object's current state from the store, so replaying old or duplicate
// entries converges on the truth instead of resurrecting stale versions.
package bridge
