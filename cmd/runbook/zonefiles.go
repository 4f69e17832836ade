package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/redis/go-redis/v9"
	"gopkg.in/yaml.v3"

	"github.com/runbookhq/runbook/zones"
)

// defaultData is `runbook up`'s -data default; the CLI looks there for
// what a running `up` publishes.
const defaultData = "./data"

// upZoneDir is where `runbook up` writes the zone files of the zones it
// runs while it runs, so `plugin push|rollback` reach their Redis with no
// -zone-dir.
func upZoneDir(data string) string { return filepath.Join(data, "run", "zones") }

// writeUpZoneFiles writes one file per zone into dir, each atomically
// (temporary file, then rename) and readable by the owner only (the Redis
// password may be in it). The returned func removes them: `up` calls it on
// a clean exit so no one reaches for a Redis that is gone.
func writeUpZoneFiles(dir string, zs []zones.Config) (remove func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("writing zone files for plugin push: %w", err)
	}
	var written []string
	remove = func() {
		for _, p := range written {
			_ = os.Remove(p)
		}
	}
	for _, z := range zs {
		b, err := yaml.Marshal(z)
		if err != nil {
			remove()
			return nil, fmt.Errorf("writing zone file of %s: %w", z.Name, err)
		}
		b = append([]byte("# Written by `runbook up` while it runs (removed when it stops), for\n# `runbook plugin push|rollback`. Its brokers are inproc: only Redis is\n# reachable from another process.\n"), b...)
		path := filepath.Join(dir, z.Name+".yaml")
		if err := writeAtomic(path, b); err != nil {
			remove()
			return nil, fmt.Errorf("writing zone file of %s: %w", z.Name, err)
		}
		written = append(written, path)
	}
	return remove, nil
}

// writeAtomic replaces path with b so a reader sees the old file or the
// new one, never half of it.
func writeAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// loadZoneFiles reads -zone-file, else -zone-dir, else the files a
// running `runbook up` wrote under ./data. from says which, for errors.
func loadZoneFiles(dir, file string) (zs []zones.Config, from string, err error) {
	switch {
	case file != "":
		z, err := zones.LoadFile(file)
		if err != nil {
			return nil, "", fmt.Errorf("-zone-file: %w", err)
		}
		return []zones.Config{z}, "-zone-file " + file, nil
	case dir != "":
		if zs, err = zones.LoadDir(dir); err != nil {
			return nil, "", fmt.Errorf("-zone-dir: %w", err)
		}
		return zs, "-zone-dir " + dir, nil
	}
	dir = upZoneDir(defaultData)
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return nil, "", nil
	}
	if zs, err = zones.LoadDir(dir); err != nil {
		return nil, "", fmt.Errorf("zone files of `runbook up` (no -zone-dir given): %w", err)
	}
	if len(zs) == 0 {
		return nil, "", nil // up wrote them and removed them: it is not running
	}
	return zs, dir + " (written by `runbook up`)", nil
}

// zoneClients opens a client for each zone named (every zone in zs when
// names is empty).
func zoneClients(zs []zones.Config, from string, names []string) (map[string]redis.UniversalClient, error) {
	if len(names) == 0 {
		for _, z := range zs {
			names = append(names, z.Name)
		}
	}
	out := map[string]redis.UniversalClient{}
	for _, n := range names {
		i := slices.IndexFunc(zs, func(z zones.Config) bool { return z.Name == n })
		if i < 0 {
			for _, r := range out {
				_ = r.Close()
			}
			return nil, fmt.Errorf("-zones: zone %q has no zone file in %s", n, from)
		}
		r := zs[i].Redis
		out[n] = redis.NewClient(&redis.Options{Addr: r.Addr, Password: r.Password, DB: r.DB})
	}
	return out, nil
}
