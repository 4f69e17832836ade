package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/web"
)

// upAPIFile is where a running `runbook up` says how a CLI on the same
// machine reaches its admin API: `plugin push|rollback` cannot open the
// embedded store it holds (bbolt is one process per file).
func upAPIFile(data string) string { return filepath.Join(data, "run", "api.json") }

// upAPI is the content of upAPIFile.
type upAPI struct {
	// URL is the dashboard's base URL as reachable from this machine.
	URL string `json:"url"`
	// Token is an admin API token created for this run only and revoked
	// when it stops (web.LocalCLITokenName).
	Token     string    `json:"token"`
	PID       int       `json:"pid"`
	Zones     []string  `json:"zones"`
	StartedAt time.Time `json:"started_at"`
}

// localURL turns a listen address into a URL this machine can dial: a
// wildcard host (":8080", "0.0.0.0:8080") is reached on loopback.
func localURL(listen string) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("-http %q: %w", listen, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port), nil
}

// publishUpAPI issues this run's local CLI token and returns publish
// (writes the file, 0600, atomically; call it once the API answers) and
// unpublish (removes the file, then revokes the token; call it on exit,
// after publish can no longer run).
func publishUpAPI(ctx context.Context, st store.Store, data, listen, adminEmail string, zoneNames []string) (publish func() error, unpublish func(), err error) {
	url, err := localURL(listen)
	if err != nil {
		return nil, nil, err
	}
	path := upAPIFile(data)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, fmt.Errorf("publishing the admin API for the CLI: %w", err)
	}
	// A file a crashed run left names a dead server and a token that is
	// about to be revoked: remove it before anyone reads it.
	_ = os.Remove(path)
	token, revoke, err := web.IssueLocalCLIToken(ctx, st, adminEmail)
	if err != nil {
		return nil, nil, err
	}
	var mu sync.Mutex
	closed := false
	publish = func() error {
		b, _ := json.MarshalIndent(upAPI{URL: url, Token: token, PID: os.Getpid(), Zones: zoneNames, StartedAt: time.Now().UTC()}, "", "  ")
		mu.Lock()
		defer mu.Unlock()
		if closed {
			return nil
		}
		if err := writeAtomic(path, append(b, '\n')); err != nil {
			return fmt.Errorf("publishing the admin API for the CLI: %w", err)
		}
		return nil
	}
	unpublish = func() {
		mu.Lock()
		closed = true
		mu.Unlock()
		_ = os.Remove(path)
		// ctx is cancelled by now: the store still needs a moment.
		rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := revoke(rctx); err != nil {
			fmt.Fprintf(stderr, "runbook up: %v\n", err)
		}
	}
	return publish, unpublish, nil
}

// errNoUpAPI: no running `runbook up` published its admin API.
var errNoUpAPI = errors.New("no running `runbook up` admin API")

// findUpAPI reads what a running `runbook up` published under ./data and
// checks it: the server answers and accepts the token on the plugins
// admin API. A file that fails the check is ignored with a message on
// stderr saying why (a crashed run leaves one behind), and the caller
// falls back to the store.
func findUpAPI(ctx context.Context) (*upAPI, error) {
	path := upAPIFile(defaultData)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, errNoUpAPI
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	var a upAPI
	if err := json.Unmarshal(b, &a); err != nil || a.URL == "" || a.Token == "" {
		fmt.Fprintf(stderr, "ignoring %s: not what `runbook up` writes (%v)\n", path, err)
		return nil, errNoUpAPI
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(cctx, http.MethodGet, a.URL+"/api/v1/admin/plugins", nil)
	if err != nil {
		fmt.Fprintf(stderr, "ignoring %s: url %q: %v\n", path, a.URL, err)
		return nil, errNoUpAPI
	}
	req.Header.Set("Authorization", "Bearer "+a.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "ignoring %s: %s does not answer (left by a `runbook up` that did not stop cleanly, pid %d?): %v\n", path, a.URL, a.PID, err)
		return nil, errNoUpAPI
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "ignoring %s: %s refused its token (%s): not the `runbook up` that wrote it\n", path, a.URL, resp.Status)
		return nil, errNoUpAPI
	}
	return &a, nil
}

// viaUpAPI decides whether a plugin command goes through the admin API of
// a `runbook up` running in this directory: only when -store was not
// given and up published an API that answers. A flag the API does not
// take (any but those named in apiFlags) is then refused by name rather
// than silently dropped. (nil, nil): use the store.
func viaUpAPI(ctx context.Context, fs *flag.FlagSet, what string, apiFlags ...string) (*upAPI, error) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["store"] {
		return nil, nil
	}
	a, err := findUpAPI(ctx)
	if errors.Is(err, errNoUpAPI) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	for name := range set {
		if !slices.Contains(apiFlags, name) {
			return nil, fmt.Errorf("%s: -%s is not available through the admin API of the `runbook up` running at %s (%s); stop it first, or name a store it does not hold with -store", what, name, a.URL, upAPIFile(defaultData))
		}
	}
	return a, nil
}
