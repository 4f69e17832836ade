package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"os"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/hosttest"
)

// An admin pushes a plugin module through the API, zone by zone: it is
// stored by digest, made current in the zones named and announced in their
// queues; others cannot push, a module the host would refuse is refused
// with the reason, and the upload is the one body allowed past the API's
// size limit.
func TestAdminPushesAndRollsBackPlugins(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.PluginCache = hosttest.Cache() })
	wasm, err := os.ReadFile(hosttest.Wasm(t, "webhook")[0])
	if err != nil {
		t.Fatal(err)
	}
	// Compile once outside the requests (a cold compile under -race takes
	// longer than a test request may); pushes then find it cached, as
	// they find the host's compilations in production.
	if _, err := host.Inspect(context.Background(), wasm, hosttest.Cache()); err != nil {
		t.Fatal(err)
	}
	if len(wasm) <= e.s.cfg.BodyLimit {
		t.Fatalf("module of %d bytes does not exceed the %d-byte API limit: the test proves nothing", len(wasm), e.s.cfg.BodyLimit)
	}
	push := func(token, query string, body []byte) resp {
		return e.do("POST", "/api/v1/admin/plugins"+query, token, body, "Content-Type", "application/wasm")
	}

	if r := push(e.alice, "?zones=z1", wasm); r.Code != 403 {
		t.Fatalf("non-admin push: %d %s, want 403", r.Code, r.Body)
	}
	if r := push(e.admin, "?zones=mars", wasm); r.Code != 400 || !strings.Contains(string(r.Body), "mars") {
		t.Fatalf("unknown zone: %d %s, want 400 naming it", r.Code, r.Body)
	}
	if r := push(e.admin, "", wasm); r.Code != 400 || !strings.Contains(string(r.Body), "zones") {
		t.Fatalf("no zones: %d %s, want 400 naming zones", r.Code, r.Body)
	}
	if r := push(e.admin, "?zones=z1", []byte("\x00asm\x01\x00\x00\x00garbage")); r.Code != 400 || r.errCode() != "invalid_plugin" {
		t.Fatalf("garbage module: %d %s, want 400 invalid_plugin", r.Code, r.Body)
	}
	if r := push(e.admin, "?zones=z1&grant=dns", wasm); r.Code != 400 || !strings.Contains(string(r.Body), "http") {
		t.Fatalf("capability not granted: %d %s, want 400 naming http", r.Code, r.Body)
	}

	r := push(e.admin, "?zones=z1", wasm)
	if r.Code != 201 {
		t.Fatalf("push: %d %s", r.Code, r.Body)
	}
	var rec struct{ Name, Version, SHA256 string }
	r.json(t, &rec)
	if rec.Name != "webhook" || len(rec.SHA256) != 64 {
		t.Fatalf("pushed record %+v", rec)
	}
	ctx := context.Background()
	q, _ := e.st.ReadQueue(ctx, "z1", 100)
	announced := false
	for _, en := range q {
		announced = announced || (en.Op == engine.OpPlugin && en.ObjectID == "webhook")
	}
	if !announced {
		t.Fatalf("z1's queue has no plugin entry: %+v", q)
	}
	if q2, _ := e.st.ReadQueue(ctx, "z2", 100); len(q2) != 0 {
		t.Fatalf("z2 was not named but got %+v", q2)
	}
	var ds []struct{ Zone, Name, Version string }
	e.mustDo(200, "GET", "/api/v1/admin/plugins", e.admin, nil).json(t, &ds)
	if len(ds) != 1 || ds[0].Zone != "z1" || ds[0].Name != "webhook" {
		t.Fatalf("deployments %+v", ds)
	}
	// One version only: nothing to roll back to, said plainly.
	if r := e.do("POST", "/api/v1/admin/plugins/webhook/rollback?zones=z1", e.admin, nil); r.Code != 409 || r.errCode() != "no_previous_version" {
		t.Fatalf("rollback without a previous version: %d %s, want 409 no_previous_version", r.Code, r.Body)
	}
	// The API's own limit still holds everywhere else.
	big, _ := json.Marshal(map[string]string{"name": strings.Repeat("x", e.s.cfg.BodyLimit)})
	if r := e.do("POST", "/api/v1/monitors", e.admin, big); r.Code != 413 {
		t.Fatalf("oversized monitor body: %d, want 413", r.Code)
	}
	entries := e.audit(e.admin, "")
	found := false
	for _, a := range entries {
		found = found || (a.ObjectType == "plugin" && strings.HasPrefix(a.ObjectID, "webhook@"))
	}
	if !found {
		t.Fatalf("push not in the audit trail: %+v", entries)
	}
}

// TestMain removes the plugin modules hosttest builds for this package.
func TestMain(m *testing.M) { hosttest.Main(m) }

// The admin page pushes a module from a file form and lists what runs in
// each zone; a bad zone is shown on the form, nothing pushed.
func TestAdminPagePushesPlugins(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.PluginCache = hosttest.Cache() })
	wasm, err := os.ReadFile(hosttest.Wasm(t, "webhook")[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := host.Inspect(context.Background(), wasm, hosttest.Cache()); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.login("admin@example.com", "password-u-admin")
	if code, body := b.get("/admin"); code != 200 || !strings.Contains(body, "Push a plugin version") || !strings.Contains(body, "No plugin pushed yet") {
		t.Fatalf("admin page: %d", code)
	}
	upload := func(zones string) (int, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("_csrf", b.csrf)
		_ = mw.WriteField("zones", zones)
		fw, _ := mw.CreateFormFile("module", "webhook.wasm")
		_, _ = fw.Write(wasm)
		_ = mw.Close()
		res, err := b.c.Post(b.base+"/admin/plugins", mw.FormDataContentType(), &buf)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if m := csrfRE.FindSubmatch(body); m != nil {
			b.csrf = string(m[1])
		}
		return res.StatusCode, string(body)
	}
	if code, body := upload("mars"); code != 400 || !strings.Contains(body, "unknown zone") {
		t.Fatalf("bad zone: %d, want 400 naming it on the form", code)
	}
	if ds, _ := e.st.ListPluginDeployments(context.Background(), "", ""); len(ds) != 0 {
		t.Fatalf("refused push stored %+v", ds)
	}
	if code, body := upload("z1"); code != 200 || !strings.Contains(body, `data-plugin="webhook" data-zone="z1"`) {
		t.Fatalf("push: %d, want the admin page listing webhook in z1", code)
	}
}
