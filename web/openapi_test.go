package web

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
)

// Every /api/v1 route fiber serves is in the OpenAPI document, and every
// documented operation is served.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newEnv(t)
	served := map[string]bool{}
	for _, r := range e.s.App().GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == "HEAD" {
			continue
		}
		served[r.Method+" "+r.Path] = true
	}
	documented := map[string]bool{}
	for _, d := range documentedRoutes() {
		if documented[d] {
			t.Errorf("documented twice: %s", d)
		}
		documented[d] = true
	}
	var missing, extra []string
	for r := range served {
		if !documented[r] {
			missing = append(missing, r)
		}
	}
	for d := range documented {
		if !served[d] {
			extra = append(extra, d)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	for _, m := range missing {
		t.Errorf("route not in openapi.json: %s", m)
	}
	for _, x := range extra {
		t.Errorf("openapi.json documents a route that is not served: %s", x)
	}
}

// The document is served, is JSON, and every $ref resolves.
func TestOpenAPIDocumentIsWellFormed(t *testing.T) {
	e := newEnv(t)
	r := e.mustDo(200, "GET", "/api/v1/openapi.json", "", nil)
	var doc map[string]any
	r.json(t, &doc)
	if doc["openapi"] != "3.0.3" {
		t.Errorf("openapi version %v", doc["openapi"])
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				name := strings.TrimPrefix(ref, "#/components/schemas/")
				if _, ok := schemas[name]; !ok {
					t.Errorf("dangling $ref %s", ref)
				}
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(doc)
	b, _ := json.Marshal(doc["paths"])
	if !strings.Contains(string(b), `"operationId":"post_monitors"`) {
		t.Error("operation ids missing")
	}
}
