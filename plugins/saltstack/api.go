package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/sdk"
)

// lowstate is one salt-api command: POST / takes a list of these.
type lowstate struct {
	Client  string   `json:"client"`
	Tgt     string   `json:"tgt"`
	TgtType string   `json:"tgt_type"`
	Fun     string   `json:"fun"`
	Arg     []string `json:"arg,omitempty"`
}

// answer is salt-api's reply: one return entry per lowstate chunk.
type answer struct {
	Return []json.RawMessage `json:"return"`
}

type api struct {
	base      string
	tls       *sdk.TLS
	timeoutMS int
}

func newAPI(cfg Config) api {
	a := api{base: strings.TrimSuffix(cfg.APIURL, "/"), timeoutMS: int(cfg.Timeout * 1000)}
	if cfg.TLSVerify != nil && !*cfg.TLSVerify {
		a.tls = &sdk.TLS{InsecureSkipVerify: true}
	}
	return a
}

// post sends JSON to path and returns the first return entry.
func (a api) post(path string, headers map[string][]string, in any) (json.RawMessage, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	h := map[string][]string{"Content-Type": {"application/json"}, "Accept": {"application/json"}}
	for k, v := range headers {
		h[k] = v
	}
	resp, err := reactkit.Send(sdk.HTTPRequest{Method: "POST", URL: a.base + path, Headers: h, Body: body, TLS: a.tls, TimeoutMS: a.timeoutMS}, nil)
	if err != nil {
		return nil, err
	}
	var ans answer
	if err := json.Unmarshal(resp.Body, &ans); err != nil || len(ans.Return) == 0 {
		return nil, fmt.Errorf("POST %s: status %d but no return in the answer", path, resp.Status)
	}
	return ans.Return[0], nil
}

// login trades a username and password for a session token (POST /login).
func (a api) login(user, password, eauth string) (string, error) {
	ret, err := a.post("/login", nil, map[string]string{"username": user, "password": password, "eauth": eauth})
	if err != nil {
		return "", fmt.Errorf("login: %w", err)
	}
	var s struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(ret, &s); err != nil || s.Token == "" {
		return "", fmt.Errorf("login: no token in the answer")
	}
	return s.Token, nil
}

// run sends one lowstate chunk with the session token.
func (a api) run(token string, ls lowstate) (json.RawMessage, error) {
	return a.post("/", map[string][]string{"X-Auth-Token": {token}}, []lowstate{ls})
}
