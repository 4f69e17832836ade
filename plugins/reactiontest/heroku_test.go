package reactiontest

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/runbookhq/runbook/host/hosttest"
)

const herokuToken = "HRKU-0123456789abcdef"

// fakeHeroku serves the Platform API v3: it refuses requests without
// Accept: application/vnd.heroku+json; version=3 or a valid bearer token,
// restarts dynos on DELETE /apps/{app}/dynos[/{dyno}] (202 {}), scales on
// PATCH /apps/{app}/formation/{type} (200, the formation) and answers
// errors as {"id": "...", "message": "..."}.
func fakeHeroku(t *testing.T) *provider {
	return newProvider(t, func(w http.ResponseWriter, r request) {
		hkErr := func(status int, id, msg string) {
			reply(w, status, string(hosttest.JSON(t, map[string]string{"id": id, "message": msg})))
		}
		if r.Header.Get("Accept") != "application/vnd.heroku+json; version=3" {
			hkErr(http.StatusBadRequest, "bad_request", "Please specify a version along with Heroku's API MIME type. For example, `Accept: application/vnd.heroku+json; version=3`.")
			return
		}
		if !bearerOK(r.Header, herokuToken) {
			hkErr(http.StatusUnauthorized, "unauthorized", "Invalid credentials provided.")
			return
		}
		switch {
		case r.Method == http.MethodDelete && (r.Path == "/apps/shop/dynos" || r.Path == "/apps/shop/dynos/web.1"):
			reply(w, http.StatusAccepted, `{}`)
		case r.Method == http.MethodPatch && r.Path == "/apps/shop/formation/worker":
			body, _ := decodeJSON(t, r.Body).(map[string]any)
			if r.Header.Get("Content-Type") != "application/json" || body["quantity"] == nil {
				hkErr(http.StatusUnprocessableEntity, "invalid_params", "Quantity is required.")
				return
			}
			if q := body["quantity"].(float64); q > 10 {
				hkErr(http.StatusUnprocessableEntity, "cannot_scale", "Cannot update to more than 10 Free size dynos per process type.")
				return
			}
			size, _ := body["size"].(string)
			if size == "" {
				size = "Standard-1X"
			}
			reply(w, http.StatusOK, string(hosttest.JSON(t, map[string]any{"type": "worker", "quantity": body["quantity"], "size": size})))
		default:
			hkErr(http.StatusNotFound, "not_found", "Couldn't find that app.")
		}
	})
}

func TestHeroku(t *testing.T) {
	p := load(t, "heroku")
	srv := fakeHeroku(t)
	secrets := map[string]string{"heroku_api_key": herokuToken}

	tests := []struct {
		name, method, path string
		cfg                map[string]any
		body               any
		message            string
	}{
		{"restart all dynos", "DELETE", "/apps/shop/dynos", map[string]any{"action": "restart"}, nil, "heroku shop: restarted all dynos"},
		{"restart one dyno", "DELETE", "/apps/shop/dynos/web.1", map[string]any{"action": "restart", "dyno": "web.1"}, nil, "heroku shop: restarted dyno web.1"},
		{"scale", "PATCH", "/apps/shop/formation/worker", map[string]any{"action": "scale", "process_type": "worker", "quantity": 3},
			map[string]any{"quantity": float64(3)}, "heroku shop: worker to 3 × Standard-1X"},
		{"scale and resize", "PATCH", "/apps/shop/formation/worker", map[string]any{"action": "scale", "process_type": "worker", "quantity": 0, "size": "Performance-M"},
			map[string]any{"quantity": float64(0), "size": "Performance-M"}, "heroku shop: worker to 0 × Performance-M"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.reset()
			cfg := map[string]any{"api_url": srv.URL, "app": "shop"}
			for k, v := range tt.cfg {
				cfg[k] = v
			}
			out := p.ok(cfg, secrets, failedCtx)
			if out.Message != tt.message {
				t.Errorf("message %q, want %q", out.Message, tt.message)
			}
			r := srv.requests()[0]
			if r.Method != tt.method || r.Path != tt.path {
				t.Errorf("request %s %s, want %s %s", r.Method, r.Path, tt.method, tt.path)
			}
			var body any
			if len(r.Body) > 0 {
				body = decodeJSON(t, r.Body)
			}
			if !reflect.DeepEqual(body, tt.body) {
				t.Errorf("body %v, want %v", body, tt.body)
			}
		})
	}

	t.Run("Heroku's errors are the message", func(t *testing.T) {
		p.failed(map[string]any{"api_url": srv.URL, "app": "nope", "action": "restart"}, secrets, failedCtx, "status 404", "Couldn't find that app.")
		p.failed(map[string]any{"api_url": srv.URL, "app": "shop", "action": "scale", "process_type": "worker", "quantity": 50}, secrets, failedCtx,
			"status 422", "Cannot update to more than 10")
		p.failed(map[string]any{"api_url": srv.URL, "app": "shop", "action": "restart"}, map[string]string{"heroku_api_key": "old"}, failedCtx,
			"status 401", "Invalid credentials provided.")
	})

	t.Run("missing secret", func(t *testing.T) {
		p.failed(map[string]any{"api_url": srv.URL, "app": "shop", "action": "restart"}, nil, failedCtx, "token_secret", "heroku_api_key")
	})

	t.Run("validation", func(t *testing.T) {
		good := map[string]any{"api_url": "https://api.heroku.com", "app": "shop", "action": "scale", "process_type": "web", "quantity": 2}
		p.valid(good)
		for _, c := range []struct {
			field string
			cfg   map[string]any
		}{
			{"app", map[string]any{"api_url": "https://api.heroku.com", "app": "Shop App", "action": "restart"}},
			{"action", map[string]any{"api_url": "https://api.heroku.com", "app": "shop", "action": "rollback"}},
			{"quantity", map[string]any{"api_url": "https://api.heroku.com", "app": "shop", "action": "scale", "process_type": "web"}},
			{"process_type", map[string]any{"api_url": "https://api.heroku.com", "app": "shop", "action": "scale", "quantity": 1}},
			{"process_type", map[string]any{"api_url": "https://api.heroku.com", "app": "shop", "action": "restart", "process_type": "web"}},
			{"dyno", map[string]any{"api_url": "https://api.heroku.com", "app": "shop", "action": "restart", "dyno": "web 1"}},
			{"quantity", map[string]any{"api_url": "https://api.heroku.com", "app": "shop", "action": "scale", "process_type": "web", "quantity": -1}},
		} {
			p.invalid(c.cfg, c.field)
		}
	})
}
