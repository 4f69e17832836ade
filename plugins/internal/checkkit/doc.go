// Package checkkit holds what the first-party check plugins share: turning
// a host error into the right status, timeouts and port fields.
package checkkit
