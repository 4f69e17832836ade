package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config as code: `runbook apply -f monitors.yaml` creates or replaces the
// file's reactions and monitors through the REST API (the same checks and
// plan limits as the dashboard), and `runbook export` writes them back.

// configFile is the file format: the API's JSON objects, written as YAML.
type configFile struct {
	Reactions []map[string]any `yaml:"reactions" json:"reactions"`
	Monitors  []map[string]any `yaml:"monitors" json:"monitors"`
}

// validate names the entry at fault; everything else is the API's job.
func (f *configFile) validate() error {
	var errs []string
	for kind, list := range map[string][]map[string]any{"reactions": f.Reactions, "monitors": f.Monitors} {
		seen := map[string]bool{}
		for i, o := range list {
			id, _ := o["id"].(string)
			switch {
			case id == "":
				errs = append(errs, fmt.Sprintf("%s[%d].id: is required (apply matches objects by id)", kind, i))
			case seen[id]:
				errs = append(errs, fmt.Sprintf("%s[%d].id: %q appears twice", kind, i, id))
			}
			seen[id] = true
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

// apiClient talks to a Runbook web with an API token.
type apiClient struct {
	base, token string
	http        *http.Client
}

func (c *apiClient) register(fs *flag.FlagSet) {
	fs.StringVar(&c.base, "url", envOr("RUNBOOK_URL", "http://127.0.0.1:8080"), "Runbook web address (or $RUNBOOK_URL)")
	fs.StringVar(&c.token, "token", os.Getenv("RUNBOOK_TOKEN"), "API token (or $RUNBOOK_TOKEN)")
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// do sends body as JSON and decodes a 2xx answer into out; other answers
// become errors carrying the API's message and fields.
func (c *apiClient) do(ctx context.Context, method, path string, body, out any) (int, error) {
	code, _, err := c.send(ctx, method, path, body, out)
	return code, err
}

// send is do that also returns the answer's headers (paging travels there).
func (c *apiClient) send(ctx context.Context, method, path string, body, out any) (int, http.Header, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, fmt.Errorf("encode %s %s: %w", method, path, err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.base, "/")+path, r)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if res.StatusCode >= 300 {
		var e struct {
			Error struct {
				Code, Message string
				Fields        []struct{ Field, Reason string }
			}
		}
		_ = json.Unmarshal(raw, &e)
		msg := e.Error.Message
		if msg == "" {
			msg = strings.TrimSpace(string(raw))
		}
		return res.StatusCode, res.Header, fmt.Errorf("%s %s: %d %s: %s", method, path, res.StatusCode, e.Error.Code, msg)
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return res.StatusCode, res.Header, fmt.Errorf("%s %s: decode: %w", method, path, err)
		}
	}
	return res.StatusCode, res.Header, nil
}

func newAPIClient() *apiClient { return &apiClient{http: &http.Client{Timeout: 30 * time.Second}} }

func cmdApply(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("apply", flag.ExitOnError)
	c := newAPIClient()
	c.register(fs)
	file := fs.String("f", "", "YAML file of reactions and monitors ('-' for stdin)")
	prune := fs.Bool("prune", false, "also delete monitors and reactions that are not in the file")
	dry := fs.Bool("dry-run", false, "say what would change, change nothing")
	_ = fs.Parse(args)
	if *file == "" {
		return fmt.Errorf("name the file with -f")
	}
	var raw []byte
	var err error
	if *file == "-" {
		raw, err = io.ReadAll(os.Stdin)
	} else {
		raw, err = os.ReadFile(*file)
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", *file, err)
	}
	var cf configFile
	if err := yaml.Unmarshal(raw, &cf); err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	if err := cf.validate(); err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	return apply(ctx, c, cf, *prune, *dry, os.Stdout)
}

// apply writes reactions before monitors (monitors name reactions) and
// deletes, with prune, monitors before reactions.
func apply(ctx context.Context, c *apiClient, cf configFile, prune, dry bool, out io.Writer) error {
	for _, kind := range []struct {
		path string
		list []map[string]any
	}{{"/api/v1/reactions", cf.Reactions}, {"/api/v1/monitors", cf.Monitors}} {
		for _, o := range kind.list {
			id := o["id"].(string)
			obj := toJSONable(o).(map[string]any)
			code, err := c.do(ctx, "GET", kind.path+"/"+url.PathEscape(id), nil, nil)
			switch {
			case code == http.StatusNotFound:
				fmt.Fprintf(out, "create %s %s\n", kind.path[len("/api/v1/"):len(kind.path)-1], id)
				if !dry {
					if _, err := c.do(ctx, "POST", kind.path, obj, nil); err != nil {
						return err
					}
				}
			case err != nil:
				return err
			default:
				fmt.Fprintf(out, "update %s %s\n", kind.path[len("/api/v1/"):len(kind.path)-1], id)
				if !dry {
					if _, err := c.do(ctx, "PUT", kind.path+"/"+url.PathEscape(id), obj, nil); err != nil {
						return err
					}
				}
			}
		}
	}
	if !prune {
		return nil
	}
	for _, kind := range []struct {
		path string
		list []map[string]any
	}{{"/api/v1/monitors", cf.Monitors}, {"/api/v1/reactions", cf.Reactions}} {
		keep := map[string]bool{}
		for _, o := range kind.list {
			keep[o["id"].(string)] = true
		}
		// Every page is read before anything is deleted, so deletes do
		// not shift the pages still to come.
		have, err := listAll[struct {
			ID string `json:"id"`
		}](ctx, c, kind.path)
		if err != nil {
			return err
		}
		for _, h := range have {
			if keep[h.ID] {
				continue
			}
			fmt.Fprintf(out, "delete %s %s\n", kind.path[len("/api/v1/"):len(kind.path)-1], h.ID)
			if !dry {
				if _, err := c.do(ctx, "DELETE", kind.path+"/"+url.PathEscape(h.ID), nil, nil); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// toJSONable turns YAML's decoded values into what encoding/json takes
// (yaml.v3 already uses map[string]any; nested maps may have any keys).
func toJSONable(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, y := range x {
			x[k] = toJSONable(y)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, y := range x {
			m[fmt.Sprint(k)] = toJSONable(y)
		}
		return m
	case []any:
		for i, y := range x {
			x[i] = toJSONable(y)
		}
		return x
	}
	return v
}
