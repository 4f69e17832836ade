package rethink

import "time"

// Options say where the RethinkDB cluster is and how to use it.
type Options struct {
	// Addresses of one or more cluster members (host:port, port 28015 by
	// default in RethinkDB).
	Addresses []string
	// Database holding Runbook's tables; created when missing.
	// Default "runbook".
	Database string
	// Username and Password of a RethinkDB user; Username defaults to
	// "admin".
	Username string
	Password string
	// DialTimeout bounds connecting to a member. Default 5s.
	DialTimeout time.Duration
	// MaxOpen is the connection pool size per member. Default 4.
	MaxOpen int
	// WatchRetry is how long WatchQueue waits before re-opening a
	// changefeed the server dropped. Default 500ms.
	WatchRetry time.Duration
}

func (o *Options) defaults() {
	if o.Database == "" {
		o.Database = "runbook"
	}
	if o.Username == "" {
		o.Username = "admin"
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = 5 * time.Second
	}
	if o.MaxOpen <= 0 {
		o.MaxOpen = 4
	}
	if o.WatchRetry <= 0 {
		o.WatchRetry = 500 * time.Millisecond
	}
}
