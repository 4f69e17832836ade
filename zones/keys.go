package zones

// Keys names every Redis key of one zone. Keys are prefixed with the zone so
// that two zones may share a Redis in development and tests; in production
// each zone has its own Redis and the prefix costs nothing.
//
//	rb:{zone}:monitor:{id}     string  monitor JSON, as the bridge applied it
//	rb:{zone}:reaction:{id}    string  reaction JSON
//	rb:{zone}:schedule         zset    monitor id → next due time (unix ms)
//	rb:{zone}:intervals        hash    monitor id → interval (ms)
//	rb:{zone}:counters:{id}    hash    status, failcount, successcount
//	rb:{zone}:lastrun:{id}     string  reaction's last run (unix ms)
//	rb:{zone}:wb:history       list    history rows written behind (JSON)
//	rb:{zone}:wb:events        list    events written behind (JSON)
//	rb:{zone}:wb:reactionlogs  list    reaction logs written behind (JSON)
//	rb:{zone}:wb:lastrun       hash    reaction id → lastrun written behind
//	rb:{zone}:wb:lock          string  token of the flusher draining the journal
//	rb:{zone}:cooldown:{target} string reaction id holding the target's cooldown (PX)
//	rb:{zone}:rate:{id}        zset    a reaction's run times in the last hour
//	rb:{zone}:heartbeat        zset    heartbeat monitor id → deadline (unix ms)
//	rb:{zone}:heartbeat:iv     hash    heartbeat monitor id → re-arm interval (ms)
//	rb:{zone}:plugins          hash    plugin name → current lock entry JSON
//	rb:{zone}:plugin:{sha256}  string  plugin module bytes, by digest
//	rb:{zone}:plugins:changed  channel plugin name, published after the hash changes
//
// docs/ZONES.md describes each key, who writes it and who reads it.
type Keys struct{ prefix string }

// KeysFor returns the key layout of zone.
func KeysFor(zone string) Keys { return Keys{prefix: "rb:" + zone + ":"} }

func (k Keys) Monitor(id string) string      { return k.prefix + "monitor:" + id }
func (k Keys) Reaction(id string) string     { return k.prefix + "reaction:" + id }
func (k Keys) Schedule() string              { return k.prefix + "schedule" }
func (k Keys) Intervals() string             { return k.prefix + "intervals" }
func (k Keys) Counters(id string) string     { return k.prefix + "counters:" + id }
func (k Keys) LastRun(id string) string      { return k.prefix + "lastrun:" + id }
func (k Keys) Cooldown(target string) string { return k.prefix + "cooldown:" + target }
func (k Keys) RateWindow(id string) string   { return k.prefix + "rate:" + id }
func (k Keys) Heartbeat() string             { return k.prefix + "heartbeat" }

// HeartbeatIntervals holds how far control moves a missed deadline, so the
// claim script needs no JSON parsing.
func (k Keys) HeartbeatIntervals() string { return k.prefix + "heartbeat:iv" }

// Write-behind lists: what actioners could not write to the store.
func (k Keys) BehindHistory() string      { return k.prefix + "wb:history" }
func (k Keys) BehindEvents() string       { return k.prefix + "wb:events" }
func (k Keys) BehindReactionLogs() string { return k.prefix + "wb:reactionlogs" }
func (k Keys) BehindLastRun() string      { return k.prefix + "wb:lastrun" }
func (k Keys) BehindLock() string         { return k.prefix + "wb:lock" }

// MonitorPattern matches every monitor key of the zone (for repopulate).
func (k Keys) MonitorPattern() string  { return k.prefix + "monitor:*" }
func (k Keys) ReactionPattern() string { return k.prefix + "reaction:*" }

// Plugins hot-loaded in the zone: the bridge writes them, workers and
// actioners (host/pluginsync) read them.
func (k Keys) Plugins() string                 { return k.prefix + "plugins" }
func (k Keys) PluginBlob(digest string) string { return k.prefix + "plugin:" + digest }
func (k Keys) PluginsChanged() string          { return k.prefix + "plugins:changed" }
