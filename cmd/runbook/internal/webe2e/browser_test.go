package webe2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/runbookhq/runbook/cmd/runbook/internal/stack"
	"github.com/runbookhq/runbook/host/hosttest"
)

func TestMain(m *testing.M) { hosttest.Main(m) }

// startStack runs every component in this process, as `runbook up` does,
// and returns the web's base URL and the first admin's API token.
func startStack(t *testing.T) (base, adminToken string) {
	t.Helper()
	s := stack.Start(t, stack.Options{Plugins: []string{"http-status", "webhook"}})
	return s.Base, s.Token
}

// browser starts headless Chromium with a fresh profile.
func browser(t *testing.T) context.Context {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium not found: run .ci/install-deps chromium (make test does)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true), chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1600),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelB := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() { cancelB(); cancelA() })
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return bctx
}

// flow runs named browser steps; a failing step saves a screenshot and
// the page's HTML and logs where.
type flow struct {
	t   *testing.T
	ctx context.Context
	dir string
}

func newFlow(t *testing.T, ctx context.Context) *flow {
	dir := os.Getenv("RUNBOOK_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	return &flow{t: t, ctx: ctx, dir: dir}
}

func (f *flow) step(name string, timeout time.Duration, actions ...chromedp.Action[chromedp.Void]) {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(f.ctx, timeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		f.fail(name, err)
	}
}

// get runs one action that returns a value.
func get[T any](f *flow, name string, a chromedp.Action[T]) T {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(f.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		f.fail(name, err)
	}
	return v
}

func (f *flow) fail(name string, err error) {
	f.t.Helper()
	sctx, cancel := context.WithTimeout(f.ctx, 10*time.Second)
	defer cancel()
	png, _ := chromedp.Run(sctx, chromedp.FullScreenshot(80))
	html, _ := chromedp.Run(sctx, chromedp.OuterHTML(chromedp.CSS("html")))
	loc, _ := chromedp.Run(sctx, chromedp.Location())
	slug := strings.NewReplacer(" ", "-", "/", "-").Replace(name)
	shot := filepath.Join(f.dir, "failure-"+slug+".png")
	_ = os.WriteFile(shot, png, 0o644)
	_ = os.WriteFile(filepath.Join(f.dir, "failure-"+slug+".html"), []byte(html), 0o644)
	f.t.Fatalf("browser step %q failed at %s: %v\nscreenshot: %s", name, loc, err, shot)
}

// The proof: sign up, create a monitor with a reaction from the
// generated forms, watch it fail live, see the event and the reaction
// log, and find it on the public status page.
func TestDashboardFlowInChromium(t *testing.T) {
	base, adminToken := startStack(t)

	var targetStatus atomic.Int32
	targetStatus.Store(200)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(int(targetStatus.Load())) }))
	defer target.Close()
	var mu sync.Mutex
	var received []map[string]any
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p map[string]any
		_ = json.NewDecoder(r.Body).Decode(&p)
		mu.Lock()
		received = append(received, p)
		mu.Unlock()
	}))
	defer receiver.Close()

	f := newFlow(t, browser(t))
	const email, password = "ops@example.test", "a long enough password"

	f.step("sign up", 20*time.Second,
		chromedp.Navigate(base+"/signup"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), email),
		chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`#counts`)),
	)

	// The free plan's shortest interval is 30s; an admin moves the new
	// account to the unlimited plan through the API so the test runs at 1s.
	uid := userIDByEmail(t, base, adminToken, email)
	apiPut(t, base, adminToken, "/api/v1/admin/users/"+uid+"/plan", `{"plan":"unlimited"}`)

	f.step("create the webhook reaction from its generated form", 20*time.Second,
		chromedp.Navigate(base+"/reactions/new?plugin=webhook"),
		chromedp.WaitVisible(chromedp.CSS(`#reaction-form`)),
		chromedp.SendKeys(chromedp.CSS(`#id`), "notify-ops"),
		chromedp.SendKeys(chromedp.CSS(`#name`), "Notify ops"),
		chromedp.SendKeys(chromedp.CSS(`[name="config.url"]`), receiver.URL+"/hook"),
		chromedp.Click(chromedp.CSS(`#save`)),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-reaction="notify-ops"]`)),
	)

	f.step("create the http-status monitor from its generated form", 20*time.Second,
		chromedp.Navigate(base+"/monitors/new?check=http-status"),
		chromedp.WaitVisible(chromedp.CSS(`#monitor-form`)),
		chromedp.SendKeys(chromedp.CSS(`#id`), "shop"),
		chromedp.SendKeys(chromedp.CSS(`#name`), "Shop front"),
		chromedp.SetValue(chromedp.CSS(`#interval`), "1s"),
		chromedp.SendKeys(chromedp.CSS(`[name="config.url"]`), target.URL+"/health"),
		chromedp.Click(chromedp.CSS(`input[name="reactions"][value="notify-ops"]`)),
		chromedp.Click(chromedp.CSS(`#save`)),
		chromedp.WaitVisible(chromedp.CSS(`#uptime`)),
	)

	f.step("dashboard lists the monitor", 30*time.Second,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-monitor="shop"]`)),
	)
	get(f, "mark the page", chromedp.Evaluate[string](`window.__samePage = "yes"`))
	f.step("dashboard shows the monitor turn healthy live", 30*time.Second,
		chromedp.WaitVisible(chromedp.CSS(`[data-status-of="shop"][data-status="healthy"]`)),
	)

	targetStatus.Store(500)
	f.step("dashboard shows it turn failed without a reload", 30*time.Second,
		chromedp.WaitVisible(chromedp.CSS(`[data-status-of="shop"][data-status="failed"]`)),
	)
	marker := get(f, "read the mark", chromedp.Evaluate[string](`window.__samePage || "reloaded"`))
	if marker != "yes" {
		t.Fatalf("the page was reloaded (marker %q): the update was not live", marker)
	}
	failedCount := get(f, "counts follow", chromedp.Text(chromedp.CSS(`#count-failed`)))
	if strings.TrimSpace(failedCount) != "1" {
		t.Errorf("failed count %q, want 1", failedCount)
	}

	deadline := time.Now().Add(15 * time.Second)
	for {
		mu.Lock()
		n := len(received)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			f.fail("reaction reached the receiver", fmt.Errorf("no webhook reaction received"))
		}
		time.Sleep(100 * time.Millisecond)
	}

	f.step("the monitor page shows the event and the reaction log", 30*time.Second,
		chromedp.Navigate(base+"/monitors/shop"),
		chromedp.WaitVisible(chromedp.CSS(`#reaction-logs tr[data-log]`)),
	)
	events := get(f, "read events", chromedp.Text(chromedp.CSS(`#events`)))
	logs := get(f, "read reaction logs", chromedp.Text(chromedp.CSS(`#reaction-logs`)))
	if !strings.Contains(events, "→ failed") {
		t.Errorf("events %q show no change to failed", events)
	}
	if !strings.Contains(logs, "Notify ops") || !strings.Contains(logs, "executed") {
		t.Errorf("reaction logs %q do not show Notify ops executed", logs)
	}

	f.step("publish the status page", 20*time.Second,
		chromedp.Navigate(base+"/statuspage"),
		chromedp.WaitVisible(chromedp.CSS(`#statuspage-form`)),
		chromedp.SetValue(chromedp.CSS(`#title`), "Example Shop status"),
		chromedp.Click(chromedp.CSS(`#public`)),
		chromedp.Click(chromedp.CSS(`input[name="monitors"][value="shop"]`)),
		chromedp.Click(chromedp.CSS(`#statuspage-form button[type=submit]`)),
		// The saved page no longer says the status page is off.
		chromedp.WaitNotPresent(chromedp.CSS(`#public-off`)),
	)
	f.step("log out", 20*time.Second,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#logout`)),
		chromedp.Click(chromedp.CSS(`#logout`)),
		chromedp.WaitVisible(chromedp.CSS(`#password`)),
	)
	f.step("the public status page shows it, logged out", 20*time.Second,
		chromedp.Navigate(base+"/status/"+uid),
		chromedp.WaitVisible(chromedp.CSS(`#public-status`)),
	)
	public := get(f, "read the status page", chromedp.Text(chromedp.CSS(`main`)))
	if !strings.Contains(public, "Example Shop status") || !strings.Contains(public, "Shop front") || !strings.Contains(public, "failed") {
		t.Errorf("public status page %q", public)
	}
	if strings.Contains(public, target.URL) || strings.Contains(public, receiver.URL) {
		t.Errorf("public status page shows configuration: %q", public)
	}
}

func userIDByEmail(t *testing.T, base, token, email string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/admin/users", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var us []struct{ ID, Email string }
	if err := json.NewDecoder(res.Body).Decode(&us); err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		if u.Email == email {
			return u.ID
		}
	}
	t.Fatalf("no user %s in %v", email, us)
	return ""
}

func apiPut(t *testing.T, base, token, path, body string) {
	t.Helper()
	req, _ := http.NewRequest("PUT", base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("PUT %s: %d", path, res.StatusCode)
	}
}
