package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/sdk"
)

// record is a DNS record as API v4 returns it.
type record struct {
	ID      string `json:"id,omitempty"`
	Type    string `json:"type"`
	Name    string `json:"name"`
	Content string `json:"content"`
	TTL     int    `json:"ttl,omitempty"`
	Proxied bool   `json:"proxied"`
}

// envelope is every API v4 answer: success, errors and the result.
type envelope struct {
	Success bool            `json:"success"`
	Errors  []apiError      `json:"errors"`
	Result  json.RawMessage `json:"result"`
}

type apiError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// explain renders API v4 errors as "message (code N)".
func explain(body []byte) string {
	var e envelope
	if json.Unmarshal(body, &e) != nil || len(e.Errors) == 0 {
		return reactkit.JSONMessage(body)
	}
	parts := make([]string, len(e.Errors))
	for i, x := range e.Errors {
		parts[i] = fmt.Sprintf("%s (code %d)", x.Message, x.Code)
	}
	return reactkit.Shorten(strings.Join(parts, "; "))
}

// client talks to one zone's DNS records.
type client struct {
	base, token string
	timeoutMS   int
}

func newClient(cfg Config, token string) client {
	return client{
		base:      strings.TrimSuffix(cfg.APIURL, "/") + "/client/v4/zones/" + url.PathEscape(cfg.ZoneID) + "/dns_records",
		token:     token,
		timeoutMS: int(cfg.Timeout * 1000),
	}
}

// do sends one request and decodes the envelope's result into out. A
// 2xx with "success": false is an error too: the API says so in errors.
func (c client) do(method, u string, in, out any) error {
	req := sdk.HTTPRequest{
		Method:    method,
		URL:       u,
		Headers:   map[string][]string{"Authorization": {"Bearer " + c.token}},
		TimeoutMS: c.timeoutMS,
	}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
		req.Body = b
		req.Headers["Content-Type"] = []string{"application/json"}
	}
	resp, err := reactkit.Send(req, explain)
	if err != nil {
		return err
	}
	var env envelope
	if err := json.Unmarshal(resp.Body, &env); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", method, reactkit.Redact(u), err)
	}
	if !env.Success {
		return fmt.Errorf("%s %s: %s", method, reactkit.Redact(u), explain(resp.Body))
	}
	if out != nil {
		if err := json.Unmarshal(env.Result, out); err != nil {
			return fmt.Errorf("%s %s: decode result: %w", method, reactkit.Redact(u), err)
		}
	}
	return nil
}

// list returns the records of one type and exact name (up to 100: a
// failover set is a handful of addresses).
func (c client) list(typ, name string) ([]record, error) {
	q := url.Values{"type": {typ}, "name": {name}, "per_page": {"100"}}
	var rs []record
	err := c.do("GET", c.base+"?"+q.Encode(), nil, &rs)
	return rs, err
}

func (c client) remove(id string) error {
	return c.do("DELETE", c.base+"/"+url.PathEscape(id), nil, nil)
}

func (c client) setContent(id, content string) error {
	return c.do("PATCH", c.base+"/"+url.PathEscape(id), map[string]string{"content": content}, nil)
}

func (c client) create(r record) error {
	return c.do("POST", c.base, r, nil)
}
