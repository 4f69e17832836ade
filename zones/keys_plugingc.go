package zones

// PluginsUnreferenced is a hash: module digest → when plugin garbage
// collection (engine/rollout) first found that module referenced by no
// current, previous or pinned version (unix ms). The module is deleted
// once it has stayed unreferenced for the grace period.
func (k Keys) PluginsUnreferenced() string { return k.prefix + "plugins:unreferenced" }

// PluginBlobPattern matches every plugin module key of the zone.
func (k Keys) PluginBlobPattern() string { return k.prefix + "plugin:*" }
