// Package control is a zone's scheduler. Each monitor sits in a Redis sorted
// set scored by its next due time; control claims due monitors with one
// atomic script that also moves each to its next slot, builds a job and
// pushes it to the monitor broker.
//
// Three properties follow from that design:
//   - no drift: the next slot is computed from the schedule, not from when
//     the claim happened, so a monitor keeps its phase forever;
//   - no herd: a new monitor's first slot is placed by a stable hash of its
//     id within the interval, so 10,000 monitors created at once spread out
//     (and land in the same place again after a repopulate);
//   - not a singleton: claims are atomic, so any number of controls may
//     run in a zone; none sends a run twice, and if one dies the others
//     carry on at once.
package control
