package rollout

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/runbookhq/runbook/host/lock"
)

// Report is what a push did, zone by zone.
type Report struct {
	Entry lock.Entry
	// Inspect is the pusher's own check of the module (it compiles it).
	Inspect time.Duration
	// Prepare is from staging to every node of every prepared zone ready.
	Prepare time.Duration
	// Switch is from the first promotion to every node of every prepared
	// zone serving the new digest: the switch the issue asks to be < 1 s.
	Switch time.Duration
	// PromotedAt is when the first zone's lock record flipped (zero when
	// nothing was promoted).
	PromotedAt time.Time
	Zones      []ZoneReport
}

// ZoneReport is one zone's part of a push.
type ZoneReport struct {
	Zone string
	// Prepared: the zone's nodes prepared the version before promotion.
	// False when the push had no Redis for the zone: it was promoted
	// unprepared and its nodes compiled at the switch.
	Prepared bool
	// Promoted: the store's lock record flipped and the zone was told.
	Promoted bool
	// Repaired: the zone's Redis held a corrupt copy of the module (bytes
	// that are not its digest); the push replaced it.
	Repaired bool
	// Nodes are the live nodes of the zone, with when each got ready and
	// switched (zero when it did not).
	Nodes []NodeReport
	// Prepare is staging → the last node ready; Switch is this zone's
	// promotion → the last node serving.
	Prepare, Switch time.Duration
	// Err is what stopped or troubled this zone (nil when all went well).
	Err error
}

// NodeReport is one node of a zone during a push.
type NodeReport struct {
	Node string
	// Ready and Switched are measured from the start of each phase.
	Ready, Switched time.Duration
	// Refused is the node's reason when it refused the module.
	Refused string
}

// NotReadyError: live nodes of a zone did not report ready in time.
type NotReadyError struct {
	Zone    string
	Nodes   []string
	Timeout time.Duration
}

func (e *NotReadyError) Error() string {
	return fmt.Sprintf("zone %s: node(s) %s not ready within %s", e.Zone, strings.Join(e.Nodes, ", "), e.Timeout)
}

// RefusedError: nodes of a zone refused the module at prepare.
type RefusedError struct {
	Zone    string
	Reasons map[string]string // node → reason
}

func (e *RefusedError) Error() string {
	var parts []string
	for _, n := range slices.Sorted(maps.Keys(e.Reasons)) {
		parts = append(parts, fmt.Sprintf("node %s refused it: %s", n, e.Reasons[n]))
	}
	return fmt.Sprintf("zone %s: %s", e.Zone, strings.Join(parts, "; "))
}

// NotSwitchedError: after promotion, live nodes did not confirm serving
// the new digest in time. The version is current in the store and
// announced; those nodes serve it once they catch up.
type NotSwitchedError struct {
	Zone    string
	Nodes   []string
	Timeout time.Duration
}

func (e *NotSwitchedError) Error() string {
	return fmt.Sprintf("zone %s: promoted, but node(s) %s did not report serving it within %s", e.Zone, strings.Join(e.Nodes, ", "), e.Timeout)
}
