package zones

// Two-phase plugin rollout (engine/rollout prepares, host/pluginsync
// answers). None of these keys starts with "plugin:", so
// PluginBlobPattern never mistakes them for modules.

// PluginsStaged is a hash: plugin name → the lock entry JSON of a version
// being prepared. Every process of the zone fetches, verifies and
// compiles it beside what serves, and reports in PluginReports; the
// pusher removes the entry once it promoted or gave up.
func (k Keys) PluginsStaged() string { return k.prefix + "plugins:staged" }

// PluginNodes is a zset: node id (one plugin syncer: a process serving
// the zone) → its last heartbeat, unix ms of the Redis clock. The pusher
// waits for the nodes seen recently.
func (k Keys) PluginNodes() string { return k.prefix + "plugins:nodes" }

// PluginReports is a hash per plugin: node id → JSON of what that node
// serves, has prepared or refused (pluginsync.Report).
func (k Keys) PluginReports(name string) string { return k.prefix + "plugins:report:" + name }

// PluginPushLock is a string: who holds the one push of plugin name in
// progress in the zone (engine/rollout), with a TTL the pusher refreshes,
// so a crashed pusher's lock expires.
func (k Keys) PluginPushLock(name string) string { return k.prefix + "plugins:push:" + name }
