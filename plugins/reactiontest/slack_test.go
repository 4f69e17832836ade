package reactiontest

import (
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// Slack's incoming webhooks take a JSON POST to /services/T/B/X and
// answer 200 "ok", or a 4xx with a plain-text error code such as
// "invalid_payload" or "no_service".
func TestSlack(t *testing.T) {
	p := load(t, "slack")
	const hookPath = "/services/T000/B000/XXXX"
	srv := newProvider(t, func(w http.ResponseWriter, r request) {
		switch {
		case r.Path != hookPath:
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, "no_service")
		case r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json":
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, "invalid_payload")
		default:
			io.WriteString(w, "ok")
		}
	})
	cfg := map[string]any{"api_url": srv.URL, "username": "runbook", "icon_emoji": ":rotating_light:"}

	t.Run("posts the trigger as text", func(t *testing.T) {
		srv.reset()
		p.ok(cfg, map[string]string{"slack_webhook": srv.URL + hookPath}, failedCtx)
		reqs := srv.requests()
		if len(reqs) != 1 {
			t.Fatalf("%d requests, want 1", len(reqs))
		}
		got := decodeJSON(t, reqs[0].Body)
		want := map[string]any{
			"text":       ":red_circle: *api* is failed (was healthy): status 503 _[eu-1]_",
			"username":   "runbook",
			"icon_emoji": ":rotating_light:",
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("body %v, want %v", got, want)
		}
	})

	t.Run("a path alone in the secret, a named secret, escaping", func(t *testing.T) {
		srv.reset()
		cc := healthyCtx
		cc.Message = "<!channel> & co"
		p.ok(map[string]any{"api_url": srv.URL, "webhook_secret": "ops"}, map[string]string{"ops": hookPath}, cc)
		got := decodeJSON(t, srv.requests()[0].Body).(map[string]any)["text"]
		if got != ":large_green_circle: *api* is healthy (was failed): &lt;!channel&gt; &amp; co _[eu-1]_" {
			t.Errorf("text %q", got)
		}
	})

	t.Run("Slack's error is the message, the webhook path is not", func(t *testing.T) {
		out := p.failed(cfg, map[string]string{"slack_webhook": "/services/T000/B000/WRONG"}, failedCtx, "status 404", "no_service")
		if strings.Contains(out.Message, "WRONG") {
			t.Errorf("message %q leaks the webhook path", out.Message)
		}
	})

	t.Run("missing secret", func(t *testing.T) {
		p.failed(cfg, nil, failedCtx, "webhook_secret", `"slack_webhook"`)
	})

	t.Run("a secret for another host is refused before any request", func(t *testing.T) {
		p.failed(cfg, map[string]string{"slack_webhook": "https://evil.example/services/x"}, failedCtx, "webhook_secret", "evil.example")
	})

	t.Run("validation", func(t *testing.T) {
		p.valid(map[string]any{"api_url": "https://hooks.slack.com"})
		p.invalid(map[string]any{}, "api_url")
		p.invalid(map[string]any{"api_url": "hooks.slack.com"}, "api_url")
		p.invalid(map[string]any{"api_url": "https://hooks.slack.com", "icon_emoji": "bell"}, "icon_emoji")
		p.invalid(map[string]any{"api_url": "https://hooks.slack.com", "colour": "red"}, "colour")
	})
}
