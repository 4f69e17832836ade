// Package secret seals the secrets users give monitors and reactions (API
// keys, SSH keys, passwords) so they are encrypted at rest: in the store,
// in each zone's Redis and in queue entries. Only a process holding the
// deployment's key opens them, right before the one plugin call that owns
// them; the plugin sees them in its Input.Secrets and nowhere else.
//
// Sealing is AES-256-GCM with a random nonce per seal. The sealed form
// names its key id so a key can be rotated: a Box opens every key it
// holds and seals with the newest.
package secret
