package main

import "regexp"

// containerName is Docker's own rule for container names (and it admits
// ids, which are hex). No leading - (an option to the CLI).
var containerName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// imageRef is the distribution reference grammar Docker parses image names
// with: [domain[:port]/]path[:tag][@digest], lower-case path components.
// It admits no shell metacharacter and no leading -. (IPv6 registry
// literals are left out.)
var imageRef = regexp.MustCompile(`^` +
	`(?:` + domain + `/)?` + pathComponent + `(?:/` + pathComponent + `)*` +
	`(?::[\w][\w.-]{0,127})?` + // tag
	`(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?` + // digest
	`$`)

const (
	domainComponent = `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`
	domain          = domainComponent + `(?:\.` + domainComponent + `)*(?::[0-9]+)?`
	pathComponent   = `[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`
)
