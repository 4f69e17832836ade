package reactiontest

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/runbookhq/runbook/host/hosttest"
)

const linodeToken = "linode-pat-0123456789"

// fakeLinode serves POST /v4/linode/instances/{id}/{boot|reboot|shutdown}
// with a bearer token, answering 200 {} or Linode's
// {"errors": [{"reason": ..., "field": ...}]}.
func fakeLinode(t *testing.T) *provider {
	return newProvider(t, func(w http.ResponseWriter, r request) {
		lnErr := func(status int, reason, field string) {
			e := map[string]string{"reason": reason}
			if field != "" {
				e["field"] = field
			}
			reply(w, status, string(hosttest.JSON(t, map[string]any{"errors": []any{e}})))
		}
		if !bearerOK(r.Header, linodeToken) {
			lnErr(http.StatusUnauthorized, "Invalid Token", "")
			return
		}
		if r.Method != http.MethodPost {
			lnErr(http.StatusMethodNotAllowed, "Method Not Allowed", "")
			return
		}
		switch r.Path {
		case "/v4/linode/instances/123/boot", "/v4/linode/instances/123/reboot", "/v4/linode/instances/123/shutdown":
		default:
			lnErr(http.StatusNotFound, "Not found", "")
			return
		}
		if r.Header.Get("Content-Type") != "application/json" {
			lnErr(http.StatusBadRequest, "Content-Type must be application/json", "")
			return
		}
		body, _ := decodeJSON(t, r.Body).(map[string]any)
		if id, ok := body["config_id"]; ok && id != float64(456) {
			lnErr(http.StatusBadRequest, "Config not found", "config_id")
			return
		}
		reply(w, http.StatusOK, `{}`)
	})
}

func TestLinode(t *testing.T) {
	p := load(t, "linode")
	srv := fakeLinode(t)
	secrets := map[string]string{"linode_token": linodeToken}

	tests := []struct {
		name   string
		cfg    map[string]any
		path   string
		body   map[string]any
		status string // "" = ok
	}{
		{"boot", map[string]any{"action": "boot"}, "/v4/linode/instances/123/boot", map[string]any{}, ""},
		{"reboot into a config", map[string]any{"action": "reboot", "config_id": 456}, "/v4/linode/instances/123/reboot", map[string]any{"config_id": float64(456)}, ""},
		{"shutdown", map[string]any{"action": "shutdown"}, "/v4/linode/instances/123/shutdown", map[string]any{}, ""},
		{"Linode's field error is the message", map[string]any{"action": "boot", "config_id": 9}, "/v4/linode/instances/123/boot", map[string]any{"config_id": float64(9)}, "config_id: Config not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.reset()
			cfg := map[string]any{"api_url": srv.URL, "linode_id": 123}
			for k, v := range tt.cfg {
				cfg[k] = v
			}
			if tt.status == "" {
				p.ok(cfg, secrets, failedCtx)
			} else {
				p.failed(cfg, secrets, failedCtx, "status 400", tt.status)
			}
			r := srv.requests()[0]
			if r.Path != tt.path {
				t.Errorf("path %s, want %s", r.Path, tt.path)
			}
			if got := decodeJSON(t, r.Body); !reflect.DeepEqual(got, tt.body) {
				t.Errorf("body %v, want %v", got, tt.body)
			}
		})
	}

	t.Run("a bad token", func(t *testing.T) {
		p.failed(map[string]any{"api_url": srv.URL, "linode_id": 123, "action": "boot"}, map[string]string{"linode_token": "x"}, failedCtx, "status 401", "Invalid Token")
	})
	t.Run("an unknown linode", func(t *testing.T) {
		p.failed(map[string]any{"api_url": srv.URL, "linode_id": 7, "action": "boot"}, secrets, failedCtx, "status 404", "Not found")
	})
	t.Run("missing secret", func(t *testing.T) {
		p.failed(map[string]any{"api_url": srv.URL, "linode_id": 123, "action": "boot", "token_secret": "ln"}, secrets, failedCtx, "token_secret", `"ln"`)
	})

	t.Run("validation", func(t *testing.T) {
		p.valid(map[string]any{"api_url": "https://api.linode.com", "linode_id": 1, "action": "reboot", "config_id": 2})
		p.invalid(map[string]any{"api_url": "https://api.linode.com", "action": "boot"}, "linode_id")
		p.invalid(map[string]any{"api_url": "https://api.linode.com", "linode_id": 1, "action": "create"}, "action")
		p.invalid(map[string]any{"api_url": "https://api.linode.com", "linode_id": 1, "action": "shutdown", "config_id": 2}, "config_id")
		p.invalid(map[string]any{"api_url": "api.linode.com", "linode_id": 1, "action": "boot"}, "api_url")
	})
}
