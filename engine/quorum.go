package engine

// QuorumK is how many zones must say failed for the monitor to be failed:
// Quorum, or 1 when unset.
func (m *Monitor) QuorumK() int {
	if m.Quorum < 1 {
		return 1
	}
	return m.Quorum
}

// QuorumStatus decides a monitor's status from the latest status of each
// of its zones: failed when at least k zones say failed; otherwise healthy
// when any zone says healthy (fewer than k failing zones is one zone's
// network blinking, not an outage); otherwise unknown when any zone could
// not tell, and pending when none has reported. Zones not in zones are
// ignored: a zone the monitor left no longer votes.
func QuorumStatus(byZone map[string]Status, zones []string, k int) Status {
	if k < 1 {
		k = 1
	}
	var failed, healthy, unknown int
	for _, z := range zones {
		switch byZone[z] {
		case StatusFailed:
			failed++
		case StatusHealthy:
			healthy++
		case StatusUnknown:
			unknown++
		}
	}
	switch {
	case failed >= k:
		return StatusFailed
	case healthy > 0:
		return StatusHealthy
	case unknown > 0:
		return StatusUnknown
	case failed > 0:
		// Some zones failed, too few for the quorum, and no zone says
		// healthy: the honest answer is that we cannot tell yet.
		return StatusUnknown
	}
	return StatusPending
}

// LatestZoneStatuses reads each zone's current status from a monitor's
// events, newest first (as Records.Events returns them): a zone's status
// is the To of its newest event. Events are the per-zone statuses the
// store keeps, which is what lets zones that share only the store agree
// on a quorum.
func LatestZoneStatuses(events []Event) map[string]Status {
	out := map[string]Status{}
	for _, e := range events {
		if _, seen := out[e.Zone]; !seen {
			out[e.Zone] = e.To
		}
	}
	return out
}
