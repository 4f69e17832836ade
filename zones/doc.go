// Package zones holds what a monitoring zone is: its configuration (one
// YAML file per zone, validated on load) and the layout of the zone-local
// Redis that caches monitors and reactions and keeps the schedule,
// counters and write-behind logs. Every component of a zone agrees on that
// layout through Keys, so no key string is written twice.
package zones
