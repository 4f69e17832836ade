package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// pageEnv is newEnv plus carol, on an unlimited plan, owning n monitors
// c000..c(n-1) put straight into the store; alice owns "c100a", which
// sorts among carol's, so a page that leaked across accounts would show.
func pageEnv(t *testing.T, n int) (e *env, carol string, ids []string) {
	t.Helper()
	e = newEnv(t)
	carol = e.addUser("u-carol", "carol@example.com", false, PlanUnlimited)
	ctx := context.Background()
	for i := range n {
		id := fmt.Sprintf("c%03d", i)
		ids = append(ids, id)
		m := engine.Monitor{ID: id, Owner: "u-carol", Name: "Carol " + id, Kind: engine.KindScheduled, Check: "http-status",
			Config: json.RawMessage(`{"url":"https://example.com/` + id + `"}`), Interval: engine.Duration(time.Minute),
			Zones: []string{"z1"}, Status: engine.StatusHealthy, CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if err := e.st.PutMonitor(ctx, m, nil); err != nil {
			t.Fatal(err)
		}
	}
	e.createMonitor(e.alice, "c100a")
	return e, carol, ids
}

func pageIDs(t *testing.T, r resp) []string {
	t.Helper()
	var ms []struct {
		ID    string `json:"id"`
		Owner string `json:"owner"`
	}
	r.json(t, &ms)
	var out []string
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

var nextLink = regexp.MustCompile(`^<(/api/v1/monitors\?[^>]+)>; rel="next"$`)

// Walking the pages by their cursors returns each of the caller's
// monitors once, in id order; the last page says there is no next one.
func TestListMonitorsPages(t *testing.T) {
	e, carol, ids := pageEnv(t, 250)

	first := e.mustDo(200, "GET", "/api/v1/monitors", carol, nil)
	if got := pageIDs(t, first); !slices.Equal(got, ids[:monitorPageDefault]) {
		t.Fatalf("first page: %d ids %v..., want c000..c099", len(got), got[:min(3, len(got))])
	}
	if tc := first.H.Get("X-Total-Count"); tc != "250" {
		t.Errorf("X-Total-Count %q, want 250", tc)
	}
	cursor := first.H.Get("X-Next-Cursor")
	link := nextLink.FindStringSubmatch(first.H.Get("Link"))
	if cursor == "" || link == nil {
		t.Fatalf("first page: X-Next-Cursor %q, Link %q; want both", cursor, first.H.Get("Link"))
	}
	lq, _ := url.Parse(link[1])
	if lq.Query().Get("cursor") != cursor || lq.Query().Get("limit") != strconv.Itoa(monitorPageDefault) {
		t.Errorf("Link %s does not carry the cursor and limit", link[1])
	}

	// The next page by following Link as given.
	second := e.mustDo(200, "GET", link[1], carol, nil)
	if got := pageIDs(t, second); !slices.Equal(got, ids[100:200]) {
		t.Fatalf("second page: %v..., want c100..c199", got[:min(3, len(got))])
	}
	last := e.mustDo(200, "GET", "/api/v1/monitors?cursor="+second.H.Get("X-Next-Cursor"), carol, nil)
	if got := pageIDs(t, last); !slices.Equal(got, ids[200:]) {
		t.Fatalf("last page: %v, want c200..c249", got)
	}
	if last.H.Get("X-Next-Cursor") != "" || last.H.Get("Link") != "" || last.H.Get("X-Total-Count") != "250" {
		t.Errorf("last page headers: next %q, link %q, total %q; want no next, total 250",
			last.H.Get("X-Next-Cursor"), last.H.Get("Link"), last.H.Get("X-Total-Count"))
	}

	all := e.mustDo(200, "GET", "/api/v1/monitors?limit=1000", carol, nil)
	if got := pageIDs(t, all); !slices.Equal(got, ids) || all.H.Get("X-Next-Cursor") != "" {
		t.Errorf("limit=1000: %d ids, next %q; want all 250 in one page", len(got), all.H.Get("X-Next-Cursor"))
	}
	small := e.mustDo(200, "GET", "/api/v1/monitors?limit=7&cursor="+cursor, carol, nil)
	if got := pageIDs(t, small); !slices.Equal(got, ids[100:107]) {
		t.Errorf("limit=7 after the first page: %v, want c100..c106", got)
	}
	// The older offset form still works.
	if got := pageIDs(t, e.mustDo(200, "GET", "/api/v1/monitors?offset=245", carol, nil)); !slices.Equal(got, ids[245:]) {
		t.Errorf("offset=245: %v, want c245..c249", got)
	}
}

// A cursor is the last id seen, not a position: monitors deleted from
// pages already read, or added to them, neither repeat nor hide the rest.
func TestListMonitorsCursorSurvivesChanges(t *testing.T) {
	e, carol, ids := pageEnv(t, 150)
	first := e.mustDo(200, "GET", "/api/v1/monitors", carol, nil)
	for _, id := range []string{"c000", "c001", "c050"} {
		e.mustDo(204, "DELETE", "/api/v1/monitors/"+id, carol, nil)
	}
	e.mustDo(201, "POST", "/api/v1/monitors", carol, map[string]any{"id": "c000a", "name": "new", "check": "http-status", "interval": "1m", "config": map[string]any{"url": "https://x"}})
	second := e.mustDo(200, "GET", "/api/v1/monitors?cursor="+first.H.Get("X-Next-Cursor"), carol, nil)
	if got := pageIDs(t, second); !slices.Equal(got, ids[100:]) {
		t.Errorf("page after changes to the first: %v, want c100..c149", got)
	}
	if tc := second.H.Get("X-Total-Count"); tc != "148" {
		t.Errorf("X-Total-Count %q, want 148 after 3 deletes and 1 create", tc)
	}
}

// Another account's monitors never appear, whatever cursor is passed.
func TestListMonitorsOnlyOwn(t *testing.T) {
	e, carol, _ := pageEnv(t, 150)
	carolNext := e.mustDo(200, "GET", "/api/v1/monitors", carol, nil).H.Get("X-Next-Cursor")
	for _, q := range []string{"", "?limit=1000", "?cursor=" + carolNext, "?cursor=" + encodeCursor("c0"), "?offset=0&limit=1"} {
		r := e.mustDo(200, "GET", "/api/v1/monitors"+q, e.alice, nil)
		if got := pageIDs(t, r); !slices.Equal(got, []string{"c100a"}) {
			t.Errorf("alice%s: %v, want only her c100a", q, got)
		}
		if r.H.Get("X-Total-Count") != "1" || r.H.Get("X-Next-Cursor") != "" {
			t.Errorf("alice%s: total %q next %q, want 1 and none", q, r.H.Get("X-Total-Count"), r.H.Get("X-Next-Cursor"))
		}
	}
	for _, id := range pageIDs(t, e.mustDo(200, "GET", "/api/v1/monitors?limit=1000", carol, nil)) {
		if id == "c100a" {
			t.Error("carol's list shows alice's c100a")
		}
	}
}

// Bad paging input is a 400 naming the field, never a silent default.
func TestListMonitorsBadPaging(t *testing.T) {
	e, carol, _ := pageEnv(t, 3)
	notOurs := base64.RawURLEncoding.EncodeToString([]byte("c001"))
	cases := []struct{ query, field string }{
		{"limit=0", "limit"}, {"limit=-5", "limit"}, {"limit=1001", "limit"}, {"limit=ten", "limit"}, {"limit=2.5", "limit"},
		{"cursor=%25%25%25", "cursor"}, {"cursor=" + notOurs, "cursor"}, {"cursor=" + encodeCursor("")[:2], "cursor"},
		{"offset=-1", "offset"}, {"offset=x", "offset"}, {"offset=1&cursor=" + encodeCursor("c000"), "offset"},
	}
	for _, c := range cases {
		r := e.do("GET", "/api/v1/monitors?"+c.query, carol, nil)
		if r.Code != 400 || r.errCode() != "invalid" || !slices.Equal(r.errFields(), []string{c.field}) {
			t.Errorf("?%s: %d %s fields %v, want 400 invalid naming %s: %s", c.query, r.Code, r.errCode(), r.errFields(), c.field, r.Body)
		}
	}
}

// The OpenAPI document describes the paging the handler does: every
// documented query parameter is one the handler checks, and the headers
// a page carries are documented.
func TestListMonitorsPagingDocumented(t *testing.T) {
	e, carol, _ := pageEnv(t, 150)
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name, In string }
			Responses  map[string]struct {
				Headers map[string]any
			}
		}
	}
	e.mustDo(200, "GET", "/api/v1/openapi.json", "", nil).json(t, &doc)
	op := doc.Paths["/api/v1/monitors"]["get"]
	var names []string
	for _, p := range op.Parameters {
		if p.In == "query" {
			names = append(names, p.Name)
			if r := e.do("GET", "/api/v1/monitors?"+p.Name+"=-1", carol, nil); r.Code != 400 || !slices.Contains(r.errFields(), p.Name) {
				t.Errorf("documented %s=-1: %d %s, want a 400 naming %s", p.Name, r.Code, r.Body, p.Name)
			}
		}
	}
	if !slices.Contains(names, "limit") || !slices.Contains(names, "cursor") {
		t.Errorf("documented query parameters %v, want limit and cursor", names)
	}
	page := e.mustDo(200, "GET", "/api/v1/monitors", carol, nil)
	for h := range page.H {
		if h == "X-Total-Count" || h == "X-Next-Cursor" || h == "Link" {
			if _, ok := op.Responses["200"].Headers[h]; !ok {
				t.Errorf("a page carries %s, which openapi.json does not document", h)
			}
		}
	}
	for h := range op.Responses["200"].Headers {
		if page.H.Get(h) == "" {
			t.Errorf("openapi.json documents header %s, which the first of two pages lacks", h)
		}
	}
}
