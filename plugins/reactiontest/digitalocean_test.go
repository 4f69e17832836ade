package reactiontest

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host/hosttest"
)

const doToken = "dop_v1_0123456789abcdef"

// fakeDigitalOcean serves POST /v2/droplets/{id}/actions with a bearer
// token and a JSON {"type": ...} body, answering 201 {"action": {...}},
// or DigitalOcean's {"id": "...", "message": "..."} error document.
func fakeDigitalOcean(t *testing.T) *provider {
	return newProvider(t, func(w http.ResponseWriter, r request) {
		doErr := func(status int, id, msg string) {
			reply(w, status, string(hosttest.JSON(t, map[string]string{"id": id, "message": msg, "request_id": "4d9d8375-3c56-4925-a3e7-eb137fed17e9"})))
		}
		if !bearerOK(r.Header, doToken) {
			doErr(http.StatusUnauthorized, "Unauthorized", "Unable to authenticate you.")
			return
		}
		if r.Method != http.MethodPost || r.Path != "/v2/droplets/3164444/actions" {
			doErr(http.StatusNotFound, "not_found", "The resource you were accessing could not be found.")
			return
		}
		if r.Header.Get("Content-Type") != "application/json" {
			doErr(http.StatusBadRequest, "bad_request", "Content-Type must be application/json")
			return
		}
		body, _ := decodeJSON(t, r.Body).(map[string]any)
		typ, _ := body["type"].(string)
		switch typ {
		case "reboot", "power_cycle", "power_off", "power_on", "shutdown", "snapshot":
		default:
			doErr(http.StatusUnprocessableEntity, "unprocessable_entity", "Type is not a valid action type")
			return
		}
		reply(w, http.StatusCreated, `{"action":{"id":36804636,"status":"in-progress","type":"`+typ+`","resource_id":3164444,"resource_type":"droplet"}}`)
	})
}

func TestDigitalOcean(t *testing.T) {
	p := load(t, "digitalocean")
	srv := fakeDigitalOcean(t)
	secrets := map[string]string{"digitalocean_token": doToken}
	cfg := func(action string) map[string]any {
		return map[string]any{"api_url": srv.URL, "droplet_id": 3164444, "action": action}
	}

	for _, action := range []string{"reboot", "power_cycle", "power_off", "power_on", "shutdown"} {
		t.Run(action, func(t *testing.T) {
			srv.reset()
			out := p.ok(cfg(action), secrets, failedCtx)
			if want := "droplet 3164444 " + action + ": action 36804636 in-progress"; out.Message != want {
				t.Errorf("message %q, want %q", out.Message, want)
			}
			if got := decodeJSON(t, srv.requests()[0].Body); !reflect.DeepEqual(got, map[string]any{"type": action}) {
				t.Errorf("body %v", got)
			}
		})
	}

	t.Run("snapshot names itself after the monitor and time", func(t *testing.T) {
		srv.reset()
		p.ok(cfg("snapshot"), secrets, failedCtx)
		want := map[string]any{"type": "snapshot", "name": "runbook-api-20260102-030405"}
		if got := decodeJSON(t, srv.requests()[0].Body); !reflect.DeepEqual(got, want) {
			t.Errorf("body %v, want %v", got, want)
		}
		srv.reset()
		c := cfg("snapshot")
		c["snapshot_name"] = "before-restart"
		p.ok(c, secrets, failedCtx)
		if got := decodeJSON(t, srv.requests()[0].Body).(map[string]any)["name"]; got != "before-restart" {
			t.Errorf("name %v", got)
		}
	})

	t.Run("DigitalOcean's errors are the message", func(t *testing.T) {
		out := p.failed(cfg("reboot"), map[string]string{"digitalocean_token": "dop_v1_wrong"}, failedCtx, "status 401", "Unable to authenticate you.")
		if strings.Contains(out.Message, "dop_v1_wrong") {
			t.Errorf("message %q quotes the token", out.Message)
		}
		c := cfg("reboot")
		c["droplet_id"] = 1
		p.failed(c, secrets, failedCtx, "status 404", "could not be found")
	})

	t.Run("missing secret", func(t *testing.T) {
		p.failed(cfg("reboot"), nil, failedCtx, "token_secret", "digitalocean_token")
	})

	t.Run("validation", func(t *testing.T) {
		p.valid(map[string]any{"api_url": "https://api.digitalocean.com", "droplet_id": 1, "action": "snapshot", "snapshot_name": "x"})
		p.invalid(map[string]any{"api_url": "https://api.digitalocean.com", "action": "reboot"}, "droplet_id")
		p.invalid(map[string]any{"api_url": "https://api.digitalocean.com", "droplet_id": 0, "action": "reboot"}, "droplet_id")
		p.invalid(map[string]any{"api_url": "https://api.digitalocean.com", "droplet_id": 1, "action": "destroy"}, "action")
		p.invalid(map[string]any{"api_url": "https://api.digitalocean.com", "droplet_id": 1, "action": "reboot", "snapshot_name": "x"}, "snapshot_name")
		p.invalid(map[string]any{"droplet_id": 1, "action": "reboot"}, "api_url")
	})
}
