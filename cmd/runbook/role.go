package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/runbookhq/runbook/cmd/runbook/internal/node"
	"github.com/runbookhq/runbook/web"
)

// roleCommand runs one component against zone files and a shared store:
// the multi-process deployment (see docs/OPERATIONS.md).
func roleCommand(role string) func(context.Context, []string) error {
	return func(ctx context.Context, args []string) error {
		fs := flag.NewFlagSet(role, flag.ExitOnError)
		var c common
		c.register(fs, "bolt:./data/runbook.db")
		httpAddr := fs.String("http", "127.0.0.1:8080", "address the web listens on")
		metrics := fs.String("metrics", "", "address to serve /metrics on (components without the web)")
		_ = fs.Parse(args)
		log := c.logger().With("component", role)
		zs, err := c.zones()
		if err != nil {
			return err
		}
		if len(zs) == 0 {
			return fmt.Errorf("%s: no zone files found (-zone FILE or -zones DIR)", role)
		}
		st, err := c.openStore(ctx)
		if err != nil {
			return err
		}
		defer st.Close()
		o := node.Options{Roles: []node.Role{node.Role(role)}, Zones: zs, Store: st, HTTPAddr: *httpAddr, MetricsAddr: *metrics, Logger: log}
		box, err := envBox(log)
		if err != nil {
			return err
		}
		if box != nil {
			o.Web = append(o.Web, web.WithSecrets(box))
		}
		if role == "worker" || role == "actioner" || role == "web" {
			var closeHosts func()
			if o.Host, o.NewHost, closeHosts, err = c.hosts(ctx, log, box, zs[0]); err != nil {
				return err
			}
			defer closeHosts()
		}
		return node.Run(ctx, o)
	}
}
