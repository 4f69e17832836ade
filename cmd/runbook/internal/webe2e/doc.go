// Package webe2e drives the dashboard in a real headless Chromium against
// a whole Runbook (real Redis, ZeroMQ, bbolt and wazero plugins, as
// `runbook up` runs it). It has tests only.
//
// Chromium is driven through the DevTools protocol with
// github.com/chromedp/chromedp: pure Go (no Node, no WebDriver server, no
// browser download), maintained, and it runs the Debian chromium package
// the CI installs.
package webe2e
