package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.etcd.io/bbolt"

	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/store/storeurl"
)

// openPluginStore opens the store for `plugin push|rollback`. bbolt is one
// process per file: while `runbook up` runs it holds its embedded store,
// so the error says how to reach that deployment instead of "timeout".
func openPluginStore(ctx context.Context, url string) (store.Store, error) {
	st, err := storeurl.Open(ctx, url)
	if err != nil && errors.Is(err, bbolt.ErrTimeout) && strings.HasPrefix(url, "bolt:") {
		return nil, fmt.Errorf("%w: another process holds this embedded store (a running `runbook up` keeps it open; bbolt is one process per file): go through its admin API instead (run in the directory it runs in, without -store, and the CLI does; or POST /api/v1/admin/plugins?zones=local, or the Plugins admin page), or stop it first", err)
	}
	return st, err
}
