package reactiontest

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"github.com/runbookhq/runbook/host/hosttest"
)

// pagerDutyEvents fakes the Events API v2: POST /v2/enqueue with a JSON
// event; 202 {"status":"success",...} or 400 {"status":"invalid event",
// "message":"Event object is invalid","errors":[...]}, as documented.
func pagerDutyEvents(t *testing.T) *provider {
	return newProvider(t, func(w http.ResponseWriter, r request) {
		if r.Method != http.MethodPost || r.Path != "/v2/enqueue" {
			reply(w, http.StatusNotFound, `{"status":"not found","message":"Not found"}`)
			return
		}
		var ev struct {
			RoutingKey  string         `json:"routing_key"`
			EventAction string         `json:"event_action"`
			DedupKey    string         `json:"dedup_key"`
			Payload     map[string]any `json:"payload"`
		}
		var errs []string
		if r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(r.Body, &ev) != nil {
			errs = append(errs, "Body is not valid JSON")
		}
		if len(ev.RoutingKey) != 32 {
			errs = append(errs, "Length of 'routing_key' is incorrect (should be 32 characters)")
		}
		switch ev.EventAction {
		case "trigger":
			for _, f := range []string{"summary", "source", "severity"} {
				if s, _ := ev.Payload[f].(string); s == "" {
					errs = append(errs, "'payload."+f+"' is missing or blank")
				}
			}
		case "resolve", "acknowledge":
			if ev.DedupKey == "" {
				errs = append(errs, "'dedup_key' is missing or blank")
			}
		default:
			errs = append(errs, "'event_action' is invalid (must be one of: trigger, acknowledge, resolve)")
		}
		if len(errs) > 0 {
			reply(w, http.StatusBadRequest, string(hosttest.JSON(t, map[string]any{"status": "invalid event", "message": "Event object is invalid", "errors": errs})))
			return
		}
		reply(w, http.StatusAccepted, `{"status":"success","message":"Event processed","dedup_key":"`+ev.DedupKey+`"}`)
	})
}

func TestPagerDuty(t *testing.T) {
	p := load(t, "pagerduty")
	srv := pagerDutyEvents(t)
	const key = "R0UT1NGKEY0123456789abcdefABCDEF"
	secrets := map[string]string{"pagerduty_routing_key": key}
	cfg := map[string]any{"api_url": srv.URL, "severity": "error", "component": "api-gw"}

	t.Run("failed triggers with summary, source and severity", func(t *testing.T) {
		srv.reset()
		out := p.ok(cfg, secrets, failedCtx)
		got := decodeJSON(t, srv.requests()[0].Body)
		want := map[string]any{
			"routing_key": key, "event_action": "trigger", "dedup_key": "runbook/m7", "client": "Runbook",
			"payload": map[string]any{
				"summary": "api is failed (was healthy): status 503", "source": "runbook/eu-1", "severity": "error",
				"timestamp": "2026-01-02T03:04:05Z", "component": "api-gw",
				"custom_details": map[string]any{"monitor_id": "m7", "monitor_name": "api", "zone": "eu-1",
					"status": "failed", "previous_status": "healthy", "message": "status 503"},
			},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("event\n got %v\nwant %v", got, want)
		}
		if out.Message != "pagerduty trigger runbook/m7: Event processed" {
			t.Errorf("message %q", out.Message)
		}
	})

	t.Run("healthy resolves the same dedup key", func(t *testing.T) {
		srv.reset()
		p.ok(map[string]any{"api_url": srv.URL, "routing_key_secret": "pd-ops"}, map[string]string{"pd-ops": key}, healthyCtx)
		got := decodeJSON(t, srv.requests()[0].Body)
		want := map[string]any{"routing_key": key, "event_action": "resolve", "dedup_key": "runbook/m7", "client": "Runbook"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("event %v, want %v", got, want)
		}
	})

	t.Run("PagerDuty's rejection is the message", func(t *testing.T) {
		out := p.failed(cfg, map[string]string{"pagerduty_routing_key": "short"}, failedCtx,
			"status 400", "Event object is invalid", "Length of 'routing_key' is incorrect")
		if contains(out.Message, "short") {
			t.Errorf("message %q quotes the routing key", out.Message)
		}
	})

	t.Run("missing secret names the field", func(t *testing.T) {
		p.failed(cfg, nil, failedCtx, "routing_key_secret", "pagerduty_routing_key")
	})

	t.Run("validation", func(t *testing.T) {
		p.valid(map[string]any{"api_url": "https://events.pagerduty.com"})
		p.invalid(map[string]any{}, "api_url")
		p.invalid(map[string]any{"api_url": "ftp://events.pagerduty.com"}, "api_url")
		p.invalid(map[string]any{"api_url": "https://events.pagerduty.com", "severity": "sev1"}, "severity")
		p.invalid(map[string]any{"api_url": "https://events.pagerduty.com", "timeout": -1}, "timeout")
	})
}
