package reactiontest

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/runbookhq/runbook/host/hosttest"
)

const (
	saltToken    = "6d1b722e7e1b5d0b7d8e6c1a0b0c2f5e1a2b3c4d"
	saltPassword = "salt-pw"
)

// fakeSaltAPI is rest_cherrypy: POST /login with {"username","password",
// "eauth"} returns {"return":[{"token":...}]}; POST / with X-Auth-Token
// and a JSON list of lowstate chunks runs them. Minions web1 and web2
// exist; service.restart of "broken" returns false on web2.
func fakeSaltAPI(t *testing.T) *provider {
	minions := []string{"web1", "web2"}
	return newProvider(t, func(w http.ResponseWriter, r request) {
		if r.Method != http.MethodPost || r.Header.Get("Accept") != "application/json" || r.Header.Get("Content-Type") != "application/json" {
			reply(w, http.StatusNotAcceptable, `{"status": 406, "return": "Not Acceptable"}`)
			return
		}
		switch r.Path {
		case "/login":
			body, _ := decodeJSON(t, r.Body).(map[string]any)
			if body["username"] != "runbook" || body["password"] != saltPassword || body["eauth"] != "pam" {
				reply(w, http.StatusUnauthorized, `{"status": 401, "return": "Could not authenticate using provided credentials"}`)
				return
			}
			reply(w, http.StatusOK, `{"return": [{"token": "`+saltToken+`", "expire": 1767366245.0, "start": 1767323045.0, "user": "runbook", "eauth": "pam", "perms": [".*"]}]}`)
		case "/":
			if r.Header.Get("X-Auth-Token") != saltToken {
				reply(w, http.StatusUnauthorized, `{"status": 401, "return": "Please log in"}`)
				return
			}
			chunks, _ := decodeJSON(t, r.Body).([]any)
			if len(chunks) != 1 {
				reply(w, http.StatusBadRequest, `{"status": 400, "return": "Lowstate must be a list"}`)
				return
			}
			ls := chunks[0].(map[string]any)
			var matched []string
			for _, m := range minions {
				if ls["tgt"] == "web*" || ls["tgt"] == m {
					matched = append(matched, m)
				}
			}
			if ls["client"] == "local_async" {
				reply(w, http.StatusOK, string(hosttest.JSON(t, map[string]any{"return": []any{map[string]any{"jid": "20260102030405123456", "minions": matched}}})))
				return
			}
			res := map[string]any{}
			for _, m := range matched {
				args, _ := ls["arg"].([]any)
				res[m] = !(m == "web2" && len(args) > 0 && args[0] == "broken")
			}
			reply(w, http.StatusOK, string(hosttest.JSON(t, map[string]any{"return": []any{res}})))
		default:
			reply(w, http.StatusNotFound, `{"status": 404, "return": "Nothing matches the given URI"}`)
		}
	})
}

func TestSaltStack(t *testing.T) {
	p := load(t, "saltstack")
	srv := fakeSaltAPI(t)
	tokenSecrets := map[string]string{"salt_api_token": saltToken}

	t.Run("with a token: one lowstate chunk", func(t *testing.T) {
		srv.reset()
		out := p.ok(map[string]any{"api_url": srv.URL, "tgt": "web*", "fun": "service.restart", "arg": []string{"nginx"}}, tokenSecrets, failedCtx)
		if out.Message != "salt-api service.restart on web*: ok on web1, web2" {
			t.Errorf("message %q", out.Message)
		}
		reqs := srv.requests()
		if len(reqs) != 1 || reqs[0].Path != "/" {
			t.Fatalf("requests %+v", reqs)
		}
		want := []any{map[string]any{"client": "local", "tgt": "web*", "tgt_type": "glob", "fun": "service.restart", "arg": []any{"nginx"}}}
		if got := decodeJSON(t, reqs[0].Body); !reflect.DeepEqual(got, want) {
			t.Errorf("lowstate %v, want %v", got, want)
		}
	})

	t.Run("with a login first", func(t *testing.T) {
		srv.reset()
		p.ok(map[string]any{"api_url": srv.URL, "username": "runbook", "tgt": "web1", "tgt_type": "list", "fun": "test.ping"},
			map[string]string{"salt_api_password": saltPassword}, failedCtx)
		reqs := srv.requests()
		if len(reqs) != 2 || reqs[0].Path != "/login" || reqs[1].Path != "/" {
			t.Fatalf("requests %+v", reqs)
		}
		want := map[string]any{"username": "runbook", "password": saltPassword, "eauth": "pam"}
		if got := decodeJSON(t, reqs[0].Body); !reflect.DeepEqual(got, want) {
			t.Errorf("login %v, want %v", got, want)
		}
	})

	t.Run("local_async reports the job", func(t *testing.T) {
		out := p.ok(map[string]any{"api_url": srv.URL, "client": "local_async", "tgt": "web*", "fun": "state.apply"}, tokenSecrets, failedCtx)
		if out.Message != "salt-api state.apply on web*: job 20260102030405123456 started on web1, web2" {
			t.Errorf("message %q", out.Message)
		}
	})

	t.Run("a minion returning false fails the reaction", func(t *testing.T) {
		p.failed(map[string]any{"api_url": srv.URL, "tgt": "web*", "fun": "service.restart", "arg": []string{"broken"}}, tokenSecrets, failedCtx,
			"failed or no answer on web2", "ok on 1")
	})

	t.Run("no minion matched", func(t *testing.T) {
		p.failed(map[string]any{"api_url": srv.URL, "tgt": "db*", "fun": "test.ping"}, tokenSecrets, failedCtx, "no minion matched")
	})

	t.Run("salt-api's errors are the message", func(t *testing.T) {
		p.failed(map[string]any{"api_url": srv.URL, "tgt": "web*", "fun": "test.ping"}, map[string]string{"salt_api_token": "expired"}, failedCtx,
			"status 401", "Please log in")
		out := p.failed(map[string]any{"api_url": srv.URL, "username": "runbook", "tgt": "web*", "fun": "test.ping"},
			map[string]string{"salt_api_password": "wrong-pw"}, failedCtx, "login", "status 401", "Could not authenticate")
		if contains(out.Message, "wrong-pw") {
			t.Errorf("message %q quotes the password", out.Message)
		}
	})

	t.Run("missing secrets", func(t *testing.T) {
		p.failed(map[string]any{"api_url": srv.URL, "tgt": "web*", "fun": "test.ping"}, nil, failedCtx, "token_secret", "salt_api_token")
		p.failed(map[string]any{"api_url": srv.URL, "username": "runbook", "tgt": "web*", "fun": "test.ping"}, nil, failedCtx, "password_secret", "salt_api_password")
	})

	t.Run("validation", func(t *testing.T) {
		p.valid(map[string]any{"api_url": "https://salt.example.com:8000", "tgt": "web*", "fun": "service.restart", "arg": []string{"nginx"},
			"token_secret": "salt_api_token", "username": "runbook", "password_secret": "salt_api_password", "eauth": "pam"})
		p.invalid(map[string]any{"tgt": "web*", "fun": "test.ping"}, "api_url")
		p.invalid(map[string]any{"api_url": "https://salt.example.com:8000", "tgt": " ", "fun": "test.ping"}, "tgt")
		p.invalid(map[string]any{"api_url": "https://salt.example.com:8000", "tgt": "web*", "fun": "rm -rf"}, "fun")
		p.invalid(map[string]any{"api_url": "https://salt.example.com:8000", "tgt": "web*", "fun": "test.ping", "client": "runner"}, "client")
		p.invalid(map[string]any{"api_url": "https://salt.example.com:8000", "tgt": "web*", "fun": "test.ping", "tgt_type": "regex"}, "tgt_type")
	})
}
