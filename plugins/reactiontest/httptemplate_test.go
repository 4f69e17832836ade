package reactiontest

import (
	"net/http"
	"testing"
)

func TestHTTPTemplate(t *testing.T) {
	p := load(t, "http-template")
	// The receiver answers with the status the path asks for, so one
	// server serves every case.
	srv := newProvider(t, func(w http.ResponseWriter, r request) {
		switch r.Path {
		case "/accepted":
			reply(w, http.StatusAccepted, `{}`)
		case "/boom":
			reply(w, http.StatusInternalServerError, `{"error":"database is on fire"}`)
		default:
			reply(w, http.StatusOK, `{"ok":true}`)
		}
	})
	secrets := map[string]string{"ops_api": "Bearer s3cr3t"}

	tests := []struct {
		name     string
		cfg      map[string]any
		method   string
		path     string
		query    string
		headers  map[string]string // header -> exact value; "" means absent
		body     string
		wantFail []string
	}{
		{
			name: "POST a JSON body from the template with a secret header",
			cfg: map[string]any{
				"url":            srv.URL + "/hooks/runbook?team=core",
				"headers":        map[string]string{"X-Team": "core"},
				"secret_headers": map[string]string{"Authorization": "ops_api"},
				"body":           `{"monitor":{{json .MonitorName}},"status":"{{.Status}}","was":"{{.PreviousStatus}}","msg":{{json .Message}},"at":"{{rfc3339 .ScheduledAt}}","zone":"{{.Zone}}"}`,
			},
			method: "POST", path: "/hooks/runbook", query: "team=core",
			headers: map[string]string{"Content-Type": "application/json", "X-Team": "core", "Authorization": "Bearer s3cr3t"},
			body:    `{"monitor":"api","status":"failed","was":"healthy","msg":"status 503","at":"2026-01-02T03:04:05Z","zone":"eu-1"}`,
		},
		{
			name:   "PUT plain text",
			cfg:    map[string]any{"url": srv.URL + "/status", "method": "PUT", "content_type": "text/plain", "body": "{{.Summary}}"},
			method: "PUT", path: "/status",
			headers: map[string]string{"Content-Type": "text/plain", "Authorization": ""},
			body:    "api is failed (was healthy): status 503",
		},
		{
			name:   "GET without a body sends no content type",
			cfg:    map[string]any{"url": srv.URL + "/ping", "method": "GET"},
			method: "GET", path: "/ping",
			headers: map[string]string{"Content-Type": ""},
		},
		{
			name:   "expect_status accepts exactly what it lists",
			cfg:    map[string]any{"url": srv.URL + "/accepted", "body": "x", "expect_status": []int{202}},
			method: "POST", path: "/accepted", body: "x",
		},
		{
			name:   "a status outside expect_status fails",
			cfg:    map[string]any{"url": srv.URL + "/ok", "method": "DELETE", "expect_status": []int{204}},
			method: "DELETE", path: "/ok",
			wantFail: []string{"status 200"},
		},
		{
			name:   "the receiver's error is the message",
			cfg:    map[string]any{"url": srv.URL + "/boom", "body": "{}"},
			method: "POST", path: "/boom", body: "{}",
			wantFail: []string{"status 500", "database is on fire"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.reset()
			if tt.wantFail != nil {
				p.failed(tt.cfg, secrets, failedCtx, tt.wantFail...)
			} else {
				p.ok(tt.cfg, secrets, failedCtx)
			}
			reqs := srv.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != tt.method || r.Path != tt.path || r.RawQuery != tt.query {
				t.Errorf("request %s %s?%s, want %s %s?%s", r.Method, r.Path, r.RawQuery, tt.method, tt.path, tt.query)
			}
			for k, v := range tt.headers {
				if got := r.Header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if string(r.Body) != tt.body {
				t.Errorf("body\n got %s\nwant %s", r.Body, tt.body)
			}
		})
	}

	t.Run("a missing secret names the header", func(t *testing.T) {
		p.failed(map[string]any{"url": srv.URL, "secret_headers": map[string]string{"Authorization": "gone"}}, nil, failedCtx,
			"secret_headers.Authorization", `"gone"`)
	})

	t.Run("the query string stays out of messages", func(t *testing.T) {
		out := p.failed(map[string]any{"url": srv.URL + "/boom?token=abc123"}, nil, failedCtx, "status 500")
		if contains(out.Message, "abc123") {
			t.Errorf("message %q quotes the query", out.Message)
		}
	})

	t.Run("validation", func(t *testing.T) {
		p.valid(map[string]any{"url": "https://example.com/hook", "body": `{{json .Message}} {{.ScheduledAt.Unix}}`})
		for _, c := range []struct {
			cfg   map[string]any
			field string
		}{
			{map[string]any{}, "url"},
			{map[string]any{"url": "/relative"}, "url"},
			{map[string]any{"url": "https://example.com", "method": "FETCH"}, "method"},
			{map[string]any{"url": "https://example.com", "body": "{{.Message"}, "body"},
			{map[string]any{"url": "https://example.com", "body": "{{.Monitor}}"}, "body"},
			{map[string]any{"url": "https://example.com", "body": "{{nosuchfunc .Message}}"}, "body"},
			{map[string]any{"url": "https://example.com", "headers": map[string]string{"Bad Header": "x"}}, "headers.Bad Header"},
			{map[string]any{"url": "https://example.com", "headers": map[string]string{"Host": "x"}}, "headers.Host"},
			{map[string]any{"url": "https://example.com", "secret_headers": map[string]string{"Authorization": ""}}, "secret_headers.Authorization"},
			{map[string]any{"url": "https://example.com", "expect_status": []int{42}}, "expect_status.0"},
		} {
			p.invalid(c.cfg, c.field)
		}
	})
}
