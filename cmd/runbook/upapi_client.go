package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/runbookhq/runbook/engine/rollout"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/host/lock"
)

// The admin API's answers (web's pushBody and rollbackBody), decoded into
// rollout's reports so the CLI prints them as it prints its own.

type apiNode struct {
	Node       string  `json:"node"`
	ReadyMS    float64 `json:"ready_ms"`
	SwitchedMS float64 `json:"switched_ms"`
	Refused    string  `json:"refused"`
}

func fromMS(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

func (n apiNode) report() rollout.NodeReport {
	return rollout.NodeReport{Node: n.Node, Ready: fromMS(n.ReadyMS), Switched: fromMS(n.SwitchedMS), Refused: n.Refused}
}

type apiPush struct {
	lock.Entry
	InspectMS float64 `json:"inspect_ms"`
	PrepareMS float64 `json:"prepare_ms"`
	SwitchMS  float64 `json:"switch_ms"`
	Error     string  `json:"error"`
	Zones     []struct {
		Zone      string    `json:"zone"`
		Prepared  bool      `json:"prepared"`
		Promoted  bool      `json:"promoted"`
		Times     []apiNode `json:"node_times"`
		PrepareMS float64   `json:"prepare_ms"`
		SwitchMS  float64   `json:"switch_ms"`
		Error     string    `json:"error"`
	} `json:"zones"`
}

func (p apiPush) report() rollout.Report {
	rep := rollout.Report{Entry: p.Entry, Inspect: fromMS(p.InspectMS), Prepare: fromMS(p.PrepareMS), Switch: fromMS(p.SwitchMS)}
	for _, z := range p.Zones {
		zr := rollout.ZoneReport{Zone: z.Zone, Prepared: z.Prepared, Promoted: z.Promoted, Prepare: fromMS(z.PrepareMS), Switch: fromMS(z.SwitchMS)}
		for _, n := range z.Times {
			zr.Nodes = append(zr.Nodes, n.report())
		}
		if z.Error != "" {
			zr.Err = errors.New(z.Error)
		}
		rep.Zones = append(rep.Zones, zr)
	}
	return rep
}

type apiRollback struct {
	Error  string `json:"error"`
	Rolled []struct {
		Zone     string                 `json:"zone"`
		From     store.PluginVersionRef `json:"from"`
		To       store.PluginVersionRef `json:"to"`
		Waited   bool                   `json:"waited"`
		Nodes    []apiNode              `json:"nodes"`
		SwitchMS float64                `json:"switch_ms"`
		Error    string                 `json:"error"`
	} `json:"rolled"`
}

func (a apiRollback) rolled() []rollout.Rolled {
	var out []rollout.Rolled
	for _, z := range a.Rolled {
		r := rollout.Rolled{Zone: z.Zone, From: z.From, To: z.To, Waited: z.Waited, Switch: fromMS(z.SwitchMS)}
		for _, n := range z.Nodes {
			r.Nodes = append(r.Nodes, n.report())
		}
		if z.Error != "" {
			r.Err = errors.New(z.Error)
		}
		out = append(out, r)
	}
	return out
}

// apiFailure is the admin API's error body.
type apiFailure struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Fields  []struct {
			Field  string `json:"field"`
			Reason string `json:"reason"`
		} `json:"fields"`
	} `json:"error"`
}

// call POSTs body to the running up's admin API and decodes a 2xx or a
// status in also into out; any other status is an error with the API's
// message.
func (a *upAPI) call(ctx context.Context, path string, q url.Values, contentType string, body []byte, out any, also ...int) (int, error) {
	u := a.URL + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+a.Token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("the admin API of `runbook up` at %s: %w", a.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, fmt.Errorf("the admin API of `runbook up` at %s: reading its answer: %w", a.URL, err)
	}
	ok := resp.StatusCode/100 == 2
	for _, s := range also {
		ok = ok || resp.StatusCode == s
	}
	if !ok {
		var f apiFailure
		if json.Unmarshal(b, &f) != nil || f.Error.Message == "" {
			return resp.StatusCode, fmt.Errorf("the admin API of `runbook up` at %s answered %s: %s", a.URL, resp.Status, strings.TrimSpace(string(b)))
		}
		return resp.StatusCode, fmt.Errorf("the admin API of `runbook up` at %s refused it (%s): %s", a.URL, resp.Status, f.Error.Message)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return resp.StatusCode, fmt.Errorf("the admin API of `runbook up` at %s: its answer: %w", a.URL, err)
	}
	return resp.StatusCode, nil
}

// pushVia pushes wasm through the running up's admin API and prints the
// per-zone report the API returns.
func pushVia(ctx context.Context, a *upAPI, wasm []byte, zones, grant []string) error {
	q := url.Values{"zones": {strings.Join(zones, ",")}}
	if len(grant) > 0 {
		q.Set("grant", strings.Join(grant, ","))
	}
	var p apiPush
	// 504: nothing promoted, a node was not ready; the body is the report.
	if _, err := a.call(ctx, "/api/v1/admin/plugins", q, "application/wasm", wasm, &p, http.StatusGatewayTimeout); err != nil {
		return fmt.Errorf("push: %w", err)
	}
	fmt.Fprintf(stdout, "pushed through the admin API of `runbook up` at %s\n", a.URL)
	printPush(stdout, p.report())
	if p.Error != "" {
		return fmt.Errorf("push: %s", p.Error)
	}
	return nil
}

// rollbackVia rolls name back through the running up's admin API and
// prints who switched, as the API reports it.
func rollbackVia(ctx context.Context, a *upAPI, name string, zones []string) error {
	q := url.Values{}
	if len(zones) > 0 {
		q.Set("zones", strings.Join(zones, ","))
	}
	var r apiRollback
	// 207: some zones rolled back; 504: rolled back, some node did not
	// switch in time. Both carry the per-zone report.
	if _, err := a.call(ctx, "/api/v1/admin/plugins/"+url.PathEscape(name)+"/rollback", q, "", nil, &r, http.StatusMultiStatus, http.StatusGatewayTimeout); err != nil {
		return fmt.Errorf("rollback: %w", err)
	}
	fmt.Fprintf(stdout, "rolled back through the admin API of `runbook up` at %s\n", a.URL)
	printRollback(stdout, name, r.rolled())
	if r.Error != "" {
		return fmt.Errorf("rollback: %s", r.Error)
	}
	return nil
}
