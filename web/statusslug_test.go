package web

import (
	"strings"
	"testing"
)

func TestStatusPageSlugs(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.PublicURL = "https://rb.example" })
	e.createMonitor(e.alice, "m1")
	r := e.mustDo(200, "PUT", "/api/v1/statuspage", e.alice, map[string]any{"title": "Acme", "public": true, "monitors": []string{"m1"}, "slug": "acme"})
	if !strings.Contains(string(r.Body), `"url":"https://rb.example/status/acme"`) {
		t.Errorf("status page settings: %s", r.Body)
	}
	e.mustDo(200, "GET", "/api/v1/public/status/acme", "", nil)
	// The id address is retired once a slug is chosen.
	e.mustDo(404, "GET", "/api/v1/public/status/u-alice", "", nil)
	r = e.mustDo(400, "PUT", "/api/v1/statuspage", e.bob, map[string]any{"title": "B", "public": true, "monitors": []string{}, "slug": "acme"})
	if f := r.errFields(); len(f) != 1 || f[0] != "slug" || !strings.Contains(string(r.Body), "taken") {
		t.Errorf("taken slug: %s", r.Body)
	}
	for _, bad := range []string{"A", "ab", "-ab", "a/b", "ab-", strings.Repeat("a", 65)} {
		r = e.mustDo(400, "PUT", "/api/v1/statuspage", e.bob, map[string]any{"slug": bad})
		if f := r.errFields(); len(f) != 1 || f[0] != "slug" {
			t.Errorf("slug %q: %s", bad, r.Body)
		}
	}
	// Omitting the slug keeps it.
	e.mustDo(200, "PUT", "/api/v1/statuspage", e.alice, map[string]any{"title": "Acme 2", "public": true, "monitors": []string{"m1"}})
	if b := e.mustDo(200, "GET", "/api/v1/public/status/acme", "", nil).Body; !strings.Contains(string(b), "Acme 2") {
		t.Errorf("after an edit without slug: %s", b)
	}
}

func TestPublicURLShowsWebhookURLsInFull(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.PublicURL = "https://rb.example/" })
	r := e.mustDo(201, "POST", "/api/v1/monitors", e.alice, map[string]any{"id": "h1", "name": "hook", "kind": "webhook"})
	if !strings.Contains(string(r.Body), `"url":"https://rb.example/api/v1/webhooks/h1/`) {
		t.Errorf("issued webhook: %s", r.Body)
	}
	r = e.mustDo(200, "GET", "/api/v1/monitors/h1/webhook", e.alice, nil)
	if !strings.Contains(string(r.Body), `"url_template":"https://rb.example/api/v1/webhooks/h1/{token}"`) {
		t.Errorf("webhook settings: %s", r.Body)
	}
}
