package web

import (
	"strings"
	"testing"
)

type auditRow struct {
	UserEmail    string   `json:"user_email"`
	Action       string   `json:"action"`
	ObjectType   string   `json:"object_type"`
	ObjectID     string   `json:"object_id"`
	Fields       []string `json:"fields"`
	ReactionLogs string   `json:"reaction_logs"`
}

func (e *env) audit(token, query string) []auditRow {
	e.t.Helper()
	var out []auditRow
	e.mustDo(200, "GET", "/api/v1/audit"+query, token, nil).json(e.t, &out)
	return out
}

func auditSummary(rs []auditRow) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, r.Action+" "+r.ObjectType+" "+r.ObjectID)
	}
	return strings.Join(parts, "; ")
}

func TestAuditRecordsEveryChangeForItsOwner(t *testing.T) {
	e := newEnv(t)
	e.createMonitor(e.alice, "m1")
	e.mustDo(200, "PUT", "/api/v1/monitors/m1", e.alice, map[string]any{
		"name": "Renamed", "check": "http-status", "interval": "2m",
		"config": map[string]any{"url": "https://example.com/m1", "api_token": "********"},
	})
	e.mustDo(201, "POST", "/api/v1/monitors/m1/silences", e.alice, map[string]any{"id": "s1", "reason": "deploy", "from": "22:00", "duration": "1h", "weekdays": []int{1}})
	e.mustDo(204, "DELETE", "/api/v1/monitors/m1/silences/s1", e.alice, nil)
	e.mustDo(201, "POST", "/api/v1/reactions", e.alice, map[string]any{"id": "r1", "name": "n", "plugin": "webhook", "config": map[string]any{"url": "https://example.com"}})
	e.mustDo(204, "DELETE", "/api/v1/reactions/r1", e.alice, nil)
	e.mustDo(201, "POST", "/api/v1/tokens", e.alice, map[string]any{"name": "ci"})
	e.mustDo(200, "PUT", "/api/v1/admin/users/u-alice/plan", e.admin, map[string]any{"plan": PlanUnlimited})
	e.mustDo(204, "DELETE", "/api/v1/monitors/m1", e.alice, nil)

	got := e.audit(e.alice, "")
	want := "delete monitor m1; update plan_assignment u-alice; create token ; delete reaction r1; create reaction r1; delete silence s1; create silence s1; update monitor m1; create monitor m1"
	if s := auditSummary(got); strings.Replace(s, "create token "+got[2].ObjectID, "create token ", 1) != want {
		t.Fatalf("alice's audit:\n got %s\nwant %s", s, want)
	}
	upd := got[7]
	if strings.Join(upd.Fields, ",") != "interval,name" || upd.UserEmail != "alice@example.com" || upd.ReactionLogs != "/api/v1/monitors/m1/reactionlogs" {
		t.Errorf("update entry %+v: want fields interval,name (the kept masked secret is no change), alice, a reaction log link", upd)
	}
	if got[1].UserEmail != "admin@example.com" {
		t.Errorf("plan assignment by %q, want the admin", got[1].UserEmail)
	}
	if len(e.audit(e.bob, "")) != 0 {
		t.Error("bob sees alice's audit entries")
	}
	if all := e.audit(e.admin, ""); len(all) != len(got) {
		t.Errorf("admin sees %d entries, want every one (%d)", len(all), len(got))
	}
	if own := e.audit(e.admin, "?owner=u-bob"); len(own) != 0 {
		t.Errorf("admin asking for bob's: %v", own)
	}
	if older := e.audit(e.alice, "?limit=2"); len(older) != 2 {
		t.Errorf("limit 2: %d", len(older))
	}
	r := e.mustDo(400, "GET", "/api/v1/audit?before=yesterday", e.alice, nil)
	if f := r.errFields(); len(f) != 1 || f[0] != "before" {
		t.Errorf("bad before: %s", r.Body)
	}

	b := e.browser()
	b.login("alice@example.com", "password-u-alice")
	code, body := b.get("/audit")
	if code != 200 || !strings.Contains(body, `href="/monitors/m1#reaction-logs"`) || !strings.Contains(body, "plan_assignment") {
		t.Errorf("audit page: %d %s", code, body)
	}
}
