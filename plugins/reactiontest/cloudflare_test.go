package reactiontest

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/runbookhq/runbook/host/hosttest"
)

const (
	cfToken = "cf-token-0123456789"
	cfZone  = "023e105f4ecef8ad9ca31a8372d0c353"
)

// fakeCloudflare is API v4's DNS records endpoint for one zone, with
// records kept in memory: GET list filtered by type and exact name,
// POST create, PATCH content, DELETE. Every answer is the documented
// envelope {"success", "errors": [{"code", "message"}], "messages", "result"}.
type fakeCloudflare struct {
	*provider
	mu      sync.Mutex
	records map[string]map[string]any // by id
	nextID  int
}

func newFakeCloudflare(t *testing.T) *fakeCloudflare {
	f := &fakeCloudflare{records: map[string]map[string]any{}}
	base := "/client/v4/zones/" + cfZone + "/dns_records"
	f.provider = newProvider(t, func(w http.ResponseWriter, r request) {
		cfErr := func(status, code int, msg string) {
			reply(w, status, string(hosttest.JSON(t, map[string]any{"success": false, "errors": []any{map[string]any{"code": code, "message": msg}}, "messages": []any{}, "result": nil})))
		}
		ok := func(result any) {
			reply(w, http.StatusOK, string(hosttest.JSON(t, map[string]any{"success": true, "errors": []any{}, "messages": []any{}, "result": result})))
		}
		if !bearerOK(r.Header, cfToken) {
			cfErr(http.StatusForbidden, 10000, "Authentication error")
			return
		}
		if !strings.HasPrefix(r.Path, base) {
			cfErr(http.StatusNotFound, 7003, "Could not route to "+r.Path+", perhaps your object identifier is invalid?")
			return
		}
		id := strings.TrimPrefix(strings.TrimPrefix(r.Path, base), "/")
		f.mu.Lock()
		defer f.mu.Unlock()
		switch {
		case r.Method == http.MethodGet && id == "":
			q, _ := url.ParseQuery(r.RawQuery)
			out := []map[string]any{}
			for _, rec := range f.sorted() {
				if rec["type"] == q.Get("type") && rec["name"] == q.Get("name") {
					out = append(out, rec)
				}
			}
			ok(out)
		case r.Method == http.MethodPost && id == "":
			var rec map[string]any
			rec, _ = decodeJSON(t, r.Body).(map[string]any)
			if r.Header.Get("Content-Type") != "application/json" || rec["type"] == nil || rec["name"] == nil || rec["content"] == nil {
				cfErr(http.StatusBadRequest, 9000, "DNS name, type and content are required")
				return
			}
			f.nextID++
			rec["id"] = fmt.Sprintf("rec%d", f.nextID)
			f.records[rec["id"].(string)] = rec
			ok(rec)
		case f.records[id] == nil:
			cfErr(http.StatusNotFound, 81044, "Record does not exist.")
		case r.Method == http.MethodPatch:
			patch, _ := decodeJSON(t, r.Body).(map[string]any)
			for k, v := range patch {
				f.records[id][k] = v
			}
			ok(f.records[id])
		case r.Method == http.MethodDelete:
			delete(f.records, id)
			ok(map[string]any{"id": id})
		default:
			cfErr(http.StatusMethodNotAllowed, 10405, "Method not allowed")
		}
	})
	return f
}

// set replaces the zone's records with A records www.example.com -> ips.
func (f *fakeCloudflare) set(ips ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.records = map[string]map[string]any{}
	for _, ip := range ips {
		f.nextID++
		id := fmt.Sprintf("rec%d", f.nextID)
		f.records[id] = map[string]any{"id": id, "type": "A", "name": "www.example.com", "content": ip, "ttl": float64(1), "proxied": false}
	}
	f.reset()
}

func (f *fakeCloudflare) sorted() []map[string]any {
	var out []map[string]any
	for _, r := range f.records {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i]["id"].(string) < out[j]["id"].(string) })
	return out
}

// ips lists the addresses www.example.com has now, sorted.
func (f *fakeCloudflare) ips() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []string{}
	for _, r := range f.records {
		out = append(out, r["content"].(string))
	}
	sort.Strings(out)
	return out
}

// methods lists the requests received as "METHOD" strings.
func (f *fakeCloudflare) methods() []string {
	var out []string
	for _, r := range f.requests() {
		out = append(out, r.Method)
	}
	return out
}

func TestCloudflareFailover(t *testing.T) {
	p := load(t, "cloudflare-failover")
	f := newFakeCloudflare(t)
	secrets := map[string]string{"cloudflare_api_token": cfToken}
	cfg := func(extra ...any) map[string]any {
		c := map[string]any{"api_url": f.URL, "zone_id": cfZone, "record_name": "www.example.com", "failing_ip": "192.0.2.1"}
		for i := 0; i+1 < len(extra); i += 2 {
			c[extra[i].(string)] = extra[i+1]
		}
		return c
	}

	tests := []struct {
		name     string
		before   []string
		cfg      map[string]any
		cc       string // failed | healthy
		after    []string
		methods  []string
		wantFail []string
	}{
		{"removes the failing address", []string{"192.0.2.1", "192.0.2.2"}, cfg(), "failed",
			[]string{"192.0.2.2"}, []string{"GET", "DELETE"}, nil},
		{"never removes the last record", []string{"192.0.2.1"}, cfg(), "failed",
			[]string{"192.0.2.1"}, []string{"GET"}, []string{"refusing to remove 192.0.2.1", "last record", "standby_ip"}},
		{"swaps the last record for the standby", []string{"192.0.2.1"}, cfg("standby_ip", "198.51.100.7"), "failed",
			[]string{"198.51.100.7"}, []string{"GET", "PATCH"}, nil},
		{"standby already serving: just remove", []string{"192.0.2.1", "198.51.100.7"}, cfg("standby_ip", "198.51.100.7"), "failed",
			[]string{"198.51.100.7"}, []string{"GET", "DELETE"}, nil},
		{"address already gone: nothing to do", []string{"192.0.2.2"}, cfg(), "failed",
			[]string{"192.0.2.2"}, []string{"GET"}, nil},
		{"recovery restores the address", []string{"192.0.2.2"}, cfg("ttl", 300), "healthy",
			[]string{"192.0.2.1", "192.0.2.2"}, []string{"GET", "POST"}, nil},
		{"recovery with the address present changes nothing", []string{"192.0.2.1"}, cfg(), "healthy",
			[]string{"192.0.2.1"}, []string{"GET"}, nil},
		{"recovery without restore_on_healthy", []string{"192.0.2.2"}, cfg("restore_on_healthy", false), "healthy",
			[]string{"192.0.2.2"}, []string{"GET"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.set(tt.before...)
			cc := failedCtx
			if tt.cc == "healthy" {
				cc = healthyCtx
			}
			if tt.wantFail != nil {
				p.failed(tt.cfg, secrets, cc, tt.wantFail...)
			} else {
				p.ok(tt.cfg, secrets, cc)
			}
			if got := f.ips(); !reflect.DeepEqual(got, tt.after) {
				t.Errorf("records after: %v, want %v", got, tt.after)
			}
			if got := f.methods(); !reflect.DeepEqual(got, tt.methods) {
				t.Errorf("requests %v, want %v", got, tt.methods)
			}
			if reqs := f.requests(); len(reqs) > 0 {
				q, _ := url.ParseQuery(reqs[0].RawQuery)
				if reqs[0].Path != "/client/v4/zones/"+cfZone+"/dns_records" || q.Get("type") != "A" || q.Get("name") != "www.example.com" {
					t.Errorf("list request %s?%s", reqs[0].Path, reqs[0].RawQuery)
				}
			}
		})
	}

	t.Run("the restored record", func(t *testing.T) {
		f.set("192.0.2.2")
		p.ok(cfg("ttl", 300, "proxied", true), secrets, healthyCtx)
		got := decodeJSON(t, f.requests()[1].Body)
		want := map[string]any{"type": "A", "name": "www.example.com", "content": "192.0.2.1", "ttl": float64(300), "proxied": true}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("POST body %v, want %v", got, want)
		}
	})

	t.Run("Cloudflare's errors are the message", func(t *testing.T) {
		f.set("192.0.2.1", "192.0.2.2")
		p.failed(cfg(), map[string]string{"cloudflare_api_token": "bad"}, failedCtx, "status 403", "Authentication error (code 10000)")
		c := cfg()
		c["zone_id"] = strings.Repeat("0", 32)
		p.failed(c, secrets, failedCtx, "status 404", "perhaps your object identifier is invalid? (code 7003)")
		if got := f.ips(); len(got) != 2 {
			t.Errorf("records changed on error: %v", got)
		}
	})

	t.Run("missing secret", func(t *testing.T) {
		p.failed(cfg(), nil, failedCtx, "token_secret", "cloudflare_api_token")
	})

	t.Run("validation", func(t *testing.T) {
		good := map[string]any{"api_url": "https://api.cloudflare.com", "zone_id": cfZone, "record_name": "www.example.com", "failing_ip": "192.0.2.1"}
		p.valid(good)
		for _, c := range []struct {
			field string
			k     string
			v     any
		}{
			{"zone_id", "zone_id", "example.com"},
			{"record_name", "record_name", "not a name"},
			{"failing_ip", "failing_ip", "server-1"},
			{"failing_ip", "failing_ip", "2001:db8::1"}, // A record, IPv6 address
			{"standby_ip", "standby_ip", "192.0.2.1"},   // same as failing
			{"record_type", "record_type", "CNAME"},
		} {
			cfg := map[string]any{}
			for k, v := range good {
				cfg[k] = v
			}
			cfg[c.k] = c.v
			p.invalid(cfg, c.field)
		}
		p.valid(map[string]any{"api_url": "https://api.cloudflare.com", "zone_id": cfZone, "record_name": "www.example.com", "record_type": "AAAA", "failing_ip": "2001:db8::1"})
	})
}
