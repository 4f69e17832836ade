package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v3"
)

// serverFields are kept by the server; an exported file leaves them out so
// it applies cleanly anywhere. Secrets come back masked ("********") and
// `apply` sends the mask back, which the API reads as "keep the stored
// secret".
var serverFields = []string{"owner", "status", "status_at", "created_at", "updated_at", "last_run", "webhook"}

func cmdExport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("export", flag.ExitOnError)
	c := newAPIClient()
	c.register(fs)
	file := fs.String("o", "-", "write to this file ('-' for stdout)")
	_ = fs.Parse(args)
	var w io.Writer = os.Stdout
	if *file != "-" {
		f, err := os.Create(*file)
		if err != nil {
			return fmt.Errorf("creating %s: %w", *file, err)
		}
		defer f.Close()
		w = f
	}
	return export(ctx, c, w)
}

func export(ctx context.Context, c *apiClient, w io.Writer) error {
	var cf configFile
	var err error
	if cf.Reactions, err = listAll[map[string]any](ctx, c, "/api/v1/reactions"); err != nil {
		return err
	}
	if cf.Monitors, err = listAll[map[string]any](ctx, c, "/api/v1/monitors"); err != nil {
		return err
	}
	for _, list := range [][]map[string]any{cf.Reactions, cf.Monitors} {
		for _, o := range list {
			for _, f := range serverFields {
				delete(o, f)
			}
		}
	}
	fmt.Fprintln(w, "# runbook export: apply with `runbook apply -f FILE`")
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(cf); err != nil {
		return fmt.Errorf("encoding: %w", err)
	}
	return enc.Close()
}
