// Package loopback hands out 127.0.0.1 TCP ports for servers that are
// started by port number (redis-server, sshd, ZeroMQ brokers), where the
// usual "listen on :0, read the port, close" trick leaves a window in
// which another server in this or a parallel process takes the same port.
//
// Two things close that window. Ports are drawn from below the kernel's
// ephemeral range, so no listen-on-:0 and no outgoing connection is ever
// given one. And each port is reserved with a lock file held until the
// process exits, so parallel test binaries never hand out the same port.
package loopback
