package web

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
)

// apiOp documents one /api/v1 route. The list is written by hand next to
// the routes; TestOpenAPIMatchesRoutes fails when the two disagree.
type apiOp struct {
	method, path, summary, tag string
	public                     bool
	body                       string // schema name of the JSON body, "" for none
	resp                       string // schema name of the 2xx body, "" for none
	status                     int    // 2xx status, default 200
	query                      []apiParam
	headers                    []apiParam // response headers of the 2xx answer
}

// apiParam is a documented query parameter or response header.
type apiParam struct {
	name, desc string
	schema     map[string]any
}

// monitorPageParams and monitorPageHeaders document the paging of
// GET /api/v1/monitors (api_monitors_page.go).
var (
	monitorPageParams = []apiParam{
		{"limit", "monitors per page, 1 to 1000 (default 100); anything else is a 400 naming limit", map[string]any{"type": "integer", "minimum": 1, "maximum": monitorPageMax, "default": monitorPageDefault}},
		{"cursor", "where the page starts: the X-Next-Cursor of the page before, as returned (opaque); a cursor this API did not return is a 400 naming cursor", str()},
		{"offset", "deprecated: skip this many monitors (use cursor; not both)", map[string]any{"type": "integer", "minimum": 0, "deprecated": true}},
	}
	monitorPageHeaders = []apiParam{
		{"X-Total-Count", "the caller's monitors in all pages", integer()},
		{"X-Next-Cursor", "cursor of the next page; absent on the last page", str()},
		{"Link", `<...?limit=N&cursor=...>; rel="next" (RFC 8288); absent on the last page`, str()},
	}
)

var apiOps = []apiOp{
	{method: "GET", path: "/api/v1/openapi.json", summary: "This document", tag: "meta", public: true},
	{method: "POST", path: "/api/v1/signup", summary: "Create an account; returns its first API token (shown once)", tag: "accounts", public: true, body: "Signup", resp: "SignupResult", status: 201},
	{method: "GET", path: "/api/v1/public/status/{owner}", summary: "A public status page by its slug (or the owner's id until a slug is chosen); 404 unless public", tag: "status page", public: true, resp: "PublicStatus"},
	{method: "POST", path: "/api/v1/webhooks/{monitor}/{token}", summary: "Record healthy or failed for a webhook monitor", tag: "webhooks", public: true, body: "WebhookResult", resp: "Queued", status: 202},
	{method: "GET", path: "/api/v1/webhooks/{monitor}/{token}/{action}", summary: "action healthy|failed records a result; status returns state and 24 h counts", tag: "webhooks", public: true, resp: "Queued"},
	{method: "POST", path: "/api/v1/webhooks/{monitor}/{token}/{action}", summary: "Same as GET, for senders that only POST", tag: "webhooks", public: true, resp: "Queued"},
	{method: "GET", path: "/api/v1/heartbeats/{monitor}/{token}", summary: "Heartbeat ping", tag: "webhooks", public: true, resp: "Queued", status: 202},
	{method: "POST", path: "/api/v1/heartbeats/{monitor}/{token}", summary: "Heartbeat ping", tag: "webhooks", public: true, resp: "Queued", status: 202},
	{method: "POST", path: "/api/v1/integrations/{provider}/{monitor}/{token}", summary: "A provider's own payload: datadog, pagerduty (v3, signed), travis (signed), papertrail, slack (signed)", tag: "webhooks", public: true, resp: "Queued", status: 202},

	{method: "GET", path: "/api/v1/me", summary: "The caller", tag: "accounts", resp: "User"},
	{method: "PUT", path: "/api/v1/me/password", summary: "Change password (ends every session)", tag: "accounts", body: "PasswordChange", status: 204},
	{method: "GET", path: "/api/v1/plan", summary: "The caller's plan and usage", tag: "accounts", resp: "PlanUsage"},
	{method: "GET", path: "/api/v1/plugins", summary: "Check and reaction plugins with their config schemas", tag: "plugins", resp: "Plugins"},
	{method: "GET", path: "/api/v1/tokens", summary: "API tokens, without secrets", tag: "accounts", resp: "Tokens"},
	{method: "POST", path: "/api/v1/tokens", summary: "Create an API token (shown once)", tag: "accounts", body: "TokenCreate", resp: "Token", status: 201},
	{method: "DELETE", path: "/api/v1/tokens/{id}", summary: "Revoke a token", tag: "accounts", status: 204},
	{method: "GET", path: "/api/v1/summary", summary: "Monitor counts by state", tag: "dashboard", resp: "Summary"},
	{method: "GET", path: "/api/v1/events", summary: "Newest status changes of the caller's monitors", tag: "dashboard", resp: "Events"},
	{method: "GET", path: "/api/v1/audit", summary: "Who changed what and when, newest first (limit, before; admins see all or ?owner=); never values, only field names", tag: "audit", resp: "AuditEntries"},
	{method: "GET", path: "/api/v1/stream", summary: "Server-sent events: monitors (diff), summary, events", tag: "dashboard"},

	{method: "GET", path: "/api/v1/monitors", summary: "List monitors by id, a page at a time (limit, cursor); follow X-Next-Cursor or the Link header until it is absent", tag: "monitors", resp: "Monitors",
		query: monitorPageParams, headers: monitorPageHeaders},
	{method: "POST", path: "/api/v1/monitors", summary: "Create a monitor (webhook/heartbeat kinds return their token once)", tag: "monitors", body: "Monitor", resp: "MonitorSaved", status: 201},
	{method: "GET", path: "/api/v1/monitors/{id}", summary: "Get a monitor (secrets masked)", tag: "monitors", resp: "Monitor"},
	{method: "PUT", path: "/api/v1/monitors/{id}", summary: "Replace a monitor (masked secrets are kept)", tag: "monitors", body: "Monitor", resp: "MonitorSaved"},
	{method: "DELETE", path: "/api/v1/monitors/{id}", summary: "Delete a monitor", tag: "monitors", status: 204},
	{method: "POST", path: "/api/v1/monitors/{id}/pause", summary: "Pause checks", tag: "monitors", resp: "Monitor"},
	{method: "POST", path: "/api/v1/monitors/{id}/resume", summary: "Resume checks", tag: "monitors", resp: "Monitor"},
	{method: "POST", path: "/api/v1/monitors/{id}/mark", summary: "Record a manual healthy/failed result in every zone", tag: "monitors", body: "Mark", resp: "Queued", status: 202},
	{method: "GET", path: "/api/v1/monitors/{id}/history", summary: "Results, newest first (limit, before)", tag: "monitors", resp: "Results"},
	{method: "GET", path: "/api/v1/monitors/{id}/events", summary: "Status changes, newest first", tag: "monitors", resp: "Events"},
	{method: "GET", path: "/api/v1/monitors/{id}/reactionlogs", summary: "Reaction runs, newest first", tag: "monitors", resp: "ReactionLogs"},
	{method: "GET", path: "/api/v1/monitors/{id}/uptime", summary: "Uptime over 24h, 7d, 30d, 1y", tag: "monitors", resp: "Uptime"},
	{method: "GET", path: "/api/v1/monitors/{id}/zones", summary: "Newest result per zone", tag: "monitors", resp: "ZoneResults"},
	{method: "GET", path: "/api/v1/monitors/{id}/silences", summary: "Maintenance windows and silences", tag: "silences", resp: "Silences"},
	{method: "POST", path: "/api/v1/monitors/{id}/silences", summary: "Add a one-off or recurring silence", tag: "silences", body: "Silence", resp: "Silence", status: 201},
	{method: "DELETE", path: "/api/v1/monitors/{id}/silences/{sid}", summary: "Remove a silence", tag: "silences", status: 204},
	{method: "GET", path: "/api/v1/monitors/{id}/webhook", summary: "Webhook URLs and which provider secrets are set", tag: "webhooks", resp: "WebhookSettings"},
	{method: "PUT", path: "/api/v1/monitors/{id}/webhook", summary: "Set provider secrets (omitted: kept, empty: cleared)", tag: "webhooks", body: "WebhookSecrets", resp: "WebhookSettings"},
	{method: "POST", path: "/api/v1/monitors/{id}/webhook/rotate", summary: "New webhook token (shown once); the old one stops working", tag: "webhooks", resp: "WebhookIssued"},

	{method: "GET", path: "/api/v1/reactions", summary: "List reactions", tag: "reactions", resp: "Reactions"},
	{method: "POST", path: "/api/v1/reactions", summary: "Create a reaction", tag: "reactions", body: "Reaction", resp: "Reaction", status: 201},
	{method: "GET", path: "/api/v1/reactions/{id}", summary: "Get a reaction (secrets masked)", tag: "reactions", resp: "Reaction"},
	{method: "PUT", path: "/api/v1/reactions/{id}", summary: "Replace a reaction", tag: "reactions", body: "Reaction", resp: "Reaction"},
	{method: "DELETE", path: "/api/v1/reactions/{id}", summary: "Delete a reaction", tag: "reactions", status: 204},

	{method: "GET", path: "/api/v1/statuspage", summary: "The caller's status page settings", tag: "status page", resp: "StatusPage"},
	{method: "PUT", path: "/api/v1/statuspage", summary: "Set title, public switch and monitors shown", tag: "status page", body: "StatusPageInput", resp: "StatusPage"},

	{method: "GET", path: "/api/v1/admin/users", summary: "Every user (admins only)", tag: "admin", resp: "Users"},
	{method: "PUT", path: "/api/v1/admin/users/{id}/plan", summary: "Assign a plan (admins only)", tag: "admin", body: "SetPlan", resp: "User"},
	{method: "GET", path: "/api/v1/admin/plans", summary: "Every plan (admins only)", tag: "admin", resp: "Plans"},
	{method: "PUT", path: "/api/v1/admin/plans/{id}", summary: "Create or change a plan (admins only)", tag: "admin", body: "Plan", resp: "Plan"},
	{method: "DELETE", path: "/api/v1/admin/plans/{id}", summary: "Delete a plan (admins only)", tag: "admin", status: 204},
	{method: "GET", path: "/api/v1/admin/plugins", summary: "Pushed plugins: each zone's current version and rollback history; filter with zone= and name= (admins only)", tag: "admin", resp: "PluginDeployments"},
	{method: "POST", path: "/api/v1/admin/plugins", summary: "Push a plugin: the body is the .wasm module (application/wasm, up to 32 MiB); zones=a,b required, grant=http,dns optional. Refused with the reason if the host would refuse it (admins only)", tag: "admin", resp: "PluginRecord", status: 201},
	{method: "POST", path: "/api/v1/admin/plugins/{name}/rollback", summary: "Return a plugin to its previous version in zones=a,b (default: every zone running it), then wait for every live node of each zone to serve it: the answer says who switched and when; 504 names the nodes that did not switch in time (the rollback stands) (admins only)", tag: "admin", resp: "Rollback"},
}

func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func str() map[string]any                { return map[string]any{"type": "string"} }
func integer() map[string]any            { return map[string]any{"type": "integer"} }
func number() map[string]any             { return map[string]any{"type": "number"} }
func boolean() map[string]any            { return map[string]any{"type": "boolean"} }
func enum(vals ...string) map[string]any { return map[string]any{"type": "string", "enum": vals} }
func ref(name string) map[string]any     { return map[string]any{"$ref": "#/components/schemas/" + name} }
func arr(items map[string]any) map[string]any {
	return map[string]any{"type": "array", "items": items}
}
func dur() map[string]any {
	return map[string]any{"type": "string", "description": `duration like "30s" (a number means seconds)`}
}

// secretsSchema: values go in, never come out.
func secretsSchema() map[string]any {
	return map[string]any{"type": "object", "writeOnly": true, "additionalProperties": str(),
		"description": `secret name → value, sealed at rest; on edit omitted names are kept and "" deletes one. A "*_secret" config field names the secret it uses.`,
		"example":     map[string]string{"slack_webhook": "<value>"}}
}

func secretNamesSchema() map[string]any {
	return map[string]any{"type": "array", "items": str(), "readOnly": true, "description": "names of the stored secrets, sorted; values are never returned"}
}

func anyObj() map[string]any { return map[string]any{"type": "object", "additionalProperties": true} }

var schemas = map[string]any{
	"Error": obj(map[string]any{"error": obj(map[string]any{
		"code": str(), "message": str(),
		"fields": arr(obj(map[string]any{"field": str(), "reason": str()})),
	}, "code", "message")}),
	"Signup":            obj(map[string]any{"email": str(), "password": str()}, "email", "password"),
	"SignupResult":      obj(map[string]any{"user": ref("User"), "token": ref("Token")}),
	"User":              obj(map[string]any{"id": str(), "email": str(), "admin": boolean(), "plan": str(), "created_at": str()}),
	"Users":             arr(ref("User")),
	"PasswordChange":    obj(map[string]any{"current": str(), "new": str()}, "current", "new"),
	"Plan":              obj(map[string]any{"id": str(), "name": str(), "max_monitors": integer(), "max_reactions": integer(), "min_interval": dur()}, "name"),
	"Plans":             arr(ref("Plan")),
	"PluginDeployments": arr(obj(map[string]any{"zone": str(), "name": str(), "version": str(), "sha256": str(), "history": arr(obj(map[string]any{"version": str(), "sha256": str()}))})),
	"PluginRecord": obj(map[string]any{"name": str(), "version": str(), "kind": enum("check", "reaction"), "abi": integer(), "sha256": str(), "capabilities": arr(str()),
		"inspect_ms": number(), "prepare_ms": number(), "switch_ms": number(), "error": str(),
		"zones": arr(obj(map[string]any{"zone": str(), "prepared": boolean(), "promoted": boolean(), "nodes": arr(str()),
			"node_times": ref("NodeTimes"), "prepare_ms": number(), "switch_ms": number(), "error": str()}))}),
	"Rollback": obj(map[string]any{"error": str(), "rolled": arr(obj(map[string]any{
		"zone": str(), "from": ref("PluginVersion"), "to": ref("PluginVersion"), "waited": boolean(),
		"nodes": ref("NodeTimes"), "switch_ms": number(), "error": str()}))}),
	"PluginVersion": obj(map[string]any{"version": str(), "sha256": str()}),
	"NodeTimes":     arr(obj(map[string]any{"node": str(), "ready_ms": number(), "switched_ms": number(), "refused": str()})),
	"PlanUsage":     obj(map[string]any{"id": str(), "name": str(), "max_monitors": integer(), "max_reactions": integer(), "min_interval": dur(), "monitors": integer(), "reactions": integer()}),
	"SetPlan":       obj(map[string]any{"plan": str()}, "plan"),
	"Plugins":       arr(obj(map[string]any{"name": str(), "version": str(), "kind": enum("check", "reaction"), "description": str(), "config_schema": anyObj(), "serving": boolean(), "error": str()})),
	"Token":         obj(map[string]any{"id": str(), "name": str(), "created_at": str(), "token": map[string]any{"type": "string", "description": "only in the response that creates it"}}),
	"Tokens":        arr(ref("Token")),
	"TokenCreate":   obj(map[string]any{"name": str()}, "name"),
	"Summary":       obj(map[string]any{"total": integer(), "paused": integer(), "counts": map[string]any{"type": "object", "additionalProperties": integer()}}),
	"Silence": obj(map[string]any{"id": str(), "reason": str(), "start": str(), "end": str(),
		"weekdays": arr(integer()), "from": map[string]any{"type": "string", "description": "HH:MM"}, "duration": dur(), "location": str()}),
	"Silences": arr(ref("Silence")),
	"Monitor": obj(map[string]any{
		"id": str(), "name": str(), "kind": enum("scheduled", "webhook", "heartbeat"), "check": str(), "version": str(),
		"config": anyObj(), "interval": dur(), "grace": dur(), "timeout": dur(), "zones": arr(str()), "reactions": arr(str()),
		"quorum": integer(), "silences": arr(ref("Silence")), "paused": boolean(),
		"secrets": secretsSchema(), "secret_names": secretNamesSchema(),
		"status":    map[string]any{"type": "string", "readOnly": true, "enum": []string{"healthy", "failed", "unknown", "pending"}},
		"status_at": map[string]any{"type": "string", "readOnly": true}, "owner": map[string]any{"type": "string", "readOnly": true},
		"created_at": map[string]any{"type": "string", "readOnly": true}, "updated_at": map[string]any{"type": "string", "readOnly": true},
	}, "name"),
	"Monitors":      arr(ref("Monitor")),
	"MonitorSaved":  map[string]any{"allOf": []any{ref("Monitor"), obj(map[string]any{"webhook": ref("WebhookIssued")})}},
	"WebhookIssued": obj(map[string]any{"token": str(), "path": str(), "heartbeat_path": str(), "url": str(), "heartbeat_url": str()}),
	"WebhookSettings": obj(map[string]any{"path_template": str(), "has_token": boolean(), "pagerduty_secret_set": boolean(),
		"slack_signing_secret_set": boolean(), "slack_token_set": boolean(), "travis_public_key_set": boolean(), "providers": arr(str()),
		"updated_at": str(), "heartbeat_path_template": str(), "url_template": str(), "heartbeat_url_template": str()}),
	"WebhookSecrets": obj(map[string]any{"pagerduty_secret": str(), "slack_signing_secret": str(), "slack_token": str(), "travis_public_key": str()}),
	"WebhookResult":  obj(map[string]any{"status": enum("healthy", "failed"), "message": str()}, "status"),
	"Mark":           obj(map[string]any{"status": enum("healthy", "failed"), "message": str()}, "status"),
	"Queued":         obj(map[string]any{"queued": boolean(), "status": str(), "ignored": str(), "at": str()}),
	"Reaction": obj(map[string]any{"id": str(), "name": str(), "plugin": str(), "version": str(), "config": anyObj(),
		"trigger": integer(), "frequency": dur(), "call_on": enum("failed", "healthy", "both"), "enabled": boolean(), "timeout": dur(),
		"secrets": secretsSchema(), "secret_names": secretNamesSchema(),
		"last_run": map[string]any{"type": "string", "readOnly": true}}, "name", "plugin"),
	"Reactions": arr(ref("Reaction")),
	"AuditEntries": arr(obj(map[string]any{"id": str(), "at": str(), "user_id": str(), "user_email": str(), "owner": str(),
		"action": enum("create", "update", "delete"), "object_type": enum("monitor", "reaction", "silence", "token", "plan_assignment", "plan", "status_page", "webhook", "plugin"),
		"object_id": str(), "monitor_id": str(), "fields": arr(str()), "link": str(), "reaction_logs": str()})),
	"Result": obj(map[string]any{"id": str(), "monitor_id": str(), "zone": str(), "source": enum("check", "webhook", "heartbeat", "manual"),
		"status": str(), "message": str(), "metrics": anyObj(), "duration": dur(), "scheduled_at": str(), "finished_at": str()}),
	"Results":      arr(ref("Result")),
	"Event":        obj(map[string]any{"id": str(), "monitor_id": str(), "zone": str(), "from": str(), "to": str(), "message": str(), "at": str(), "result_id": str()}),
	"Events":       arr(ref("Event")),
	"ReactionLogs": arr(obj(map[string]any{"id": str(), "reaction_id": str(), "monitor_id": str(), "zone": str(), "result_id": str(), "outcome": enum("executed", "skipped", "failed"), "message": str(), "duration": dur(), "at": str()})),
	"Uptime":       arr(obj(map[string]any{"window": str(), "percent": map[string]any{"type": "number", "nullable": true}, "healthy": integer(), "failed": integer(), "partial": boolean()})),
	"ZoneResults":  arr(obj(map[string]any{"zone": str(), "result": ref("Result")})),
	"StatusPage": obj(map[string]any{"owner": str(), "title": str(), "public": boolean(), "monitors": arr(str()), "updated_at": str(),
		"slug": str(), "path": str(), "url": str()}),
	"StatusPageInput": obj(map[string]any{"title": str(), "public": boolean(), "monitors": arr(str()),
		"slug": map[string]any{"type": "string", "description": "public address /status/<slug>: 3-64 lowercase letters, digits or '-', unique; omitted keeps it, \"\" clears it"}}),
	"PublicStatus": obj(map[string]any{"title": str(), "generated_at": str(), "monitors": arr(obj(map[string]any{"name": str(), "status": str(), "status_at": str(), "uptime_30d": map[string]any{"type": "number", "nullable": true}}))}),
}

var pathParam = regexp.MustCompile(`\{([a-z]+)\}`)

func buildOpenAPI() map[string]any {
	paths := map[string]map[string]any{}
	for _, op := range apiOps {
		status := op.status
		if status == 0 {
			status = 200
		}
		o := map[string]any{"summary": op.summary, "tags": []string{op.tag}, "operationId": opID(op)}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(op.path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": str()})
		}
		for _, q := range op.query {
			params = append(params, map[string]any{"name": q.name, "in": "query", "description": q.desc, "schema": q.schema})
		}
		if params != nil {
			o["parameters"] = params
		}
		if op.body != "" {
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": ref(op.body)}}}
		}
		ok := map[string]any{"description": "success"}
		if op.resp != "" {
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": ref(op.resp)}}
		}
		if len(op.headers) > 0 {
			hs := map[string]any{}
			for _, h := range op.headers {
				hs[h.name] = map[string]any{"description": h.desc, "schema": h.schema}
			}
			ok["headers"] = hs
		}
		errResp := map[string]any{"description": "error", "content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
		o["responses"] = map[string]any{itoa(status): ok, "default": errResp}
		if op.public {
			o["security"] = []any{}
		}
		if paths[op.path] == nil {
			paths[op.path] = map[string]any{}
		}
		paths[op.path][strings.ToLower(op.method)] = o
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "Runbook API", "version": "1",
			"description": "Monitoring and auto-remediation. Authenticate with 'Authorization: Bearer rb_...'; errors are {\"error\": {code, message, fields}}."},
		"servers":    []any{map[string]any{"url": "/"}},
		"security":   []any{map[string]any{"bearer": []string{}}},
		"paths":      paths,
		"components": map[string]any{"schemas": schemas, "securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}}},
	}
}

func opID(op apiOp) string {
	parts := []string{strings.ToLower(op.method)}
	for _, p := range strings.Split(strings.TrimPrefix(op.path, "/api/v1/"), "/") {
		p = strings.Trim(p, "{}")
		p = strings.ReplaceAll(p, ".", "_")
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "_")
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

var (
	openAPIOnce sync.Once
	openAPIDoc  []byte
)

func (s *Server) openAPI(c *fiber.Ctx) error {
	openAPIOnce.Do(func() { openAPIDoc, _ = json.MarshalIndent(buildOpenAPI(), "", "  ") })
	c.Type("json", "utf-8")
	return c.Send(openAPIDoc)
}

// fiberPath turns "/a/{id}" into fiber's "/a/:id".
func fiberPath(p string) string { return pathParam.ReplaceAllString(p, ":$1") }

// documentedRoutes lists "METHOD /path" in fiber syntax, sorted.
func documentedRoutes() []string {
	var out []string
	for _, op := range apiOps {
		out = append(out, op.method+" "+fiberPath(op.path))
	}
	sort.Strings(out)
	return out
}
