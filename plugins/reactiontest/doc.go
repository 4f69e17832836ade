// Package reactiontest runs the HTTP reaction plugins (plugins/slack,
// plugins/pagerduty, ...) end to end: each test builds the real .wasm,
// starts a real host on it and points the plugin at a local server that
// checks method, path, authentication and body the way the provider
// documents them, then answers as the provider would.
package reactiontest
