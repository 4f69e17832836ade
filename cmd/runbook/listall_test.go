package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// Export and prune walk every page of the paged monitor list: with pages
// of 40, 130 monitors are four pages, and none is left out or repeated.
func TestExportAndPruneWalkPages(t *testing.T) {
	old := listPage
	listPage = 40
	t.Cleanup(func() { listPage = old })
	c, st := applyEnv(t)
	ctx := context.Background()
	for i := range 130 {
		id := fmt.Sprintf("m%03d", i)
		m := engine.Monitor{ID: id, Owner: "u1", Name: "Monitor " + id, Kind: engine.KindScheduled, Check: "http-status",
			Config: json.RawMessage(`{"url":"https://example.com/` + id + `"}`), Interval: engine.Duration(time.Minute),
			CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if err := st.PutMonitor(ctx, m, nil); err != nil {
			t.Fatal(err)
		}
	}
	var exported bytes.Buffer
	if err := export(ctx, c, &exported); err != nil {
		t.Fatal(err)
	}
	cf := parse(t, exported.String())
	if len(cf.Monitors) != 130 {
		t.Fatalf("export has %d monitors, want 130", len(cf.Monitors))
	}
	for i, m := range cf.Monitors {
		if want := fmt.Sprintf("m%03d", i); m["id"] != want {
			t.Fatalf("exported monitor %d is %v, want %s", i, m["id"], want)
		}
	}

	// Keep one monitor of each page; prune deletes the other 126.
	keep := map[string]bool{"m000": true, "m045": true, "m085": true, "m129": true}
	var file configFile
	for _, m := range cf.Monitors {
		if keep[m["id"].(string)] {
			file.Monitors = append(file.Monitors, m)
		}
	}
	var out bytes.Buffer
	if err := apply(ctx, c, file, true, false, &out); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "delete monitor "); n != 126 {
		t.Errorf("prune deleted %d monitors, want 126:\n%s", n, out.String())
	}
	left, err := st.ListMonitors(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 4 {
		t.Errorf("%d monitors left, want the 4 kept", len(left))
	}
	for _, m := range left {
		if !keep[m.ID] {
			t.Errorf("monitor %s survived the prune", m.ID)
		}
	}
}
