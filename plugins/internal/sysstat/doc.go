// Package sysstat parses what the over-SSH checks read on a Linux host:
// /proc/meminfo, /proc/loadavg, the cpu line of /proc/stat, `df -P`
// output, `systemctl is-active` and `docker inspect` answers. Parsers
// take the command's stdout as it arrived (possibly truncated, possibly
// from a host that is not Linux at all) and return an error saying what
// was missing rather than a made-up number.
package sysstat
