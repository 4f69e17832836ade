package host_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/engine/secret"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/hosttest"
)

// A reaction's sealed secrets reach its plugin (and only as plaintext
// inside the call): the slack plugin posts to the webhook path it finds in
// its secret. Without the key, or with another deployment's key, the call
// fails with a reason and nothing is sent.
func TestSealedSecretsAreOpenedForTheCall(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, r.URL.Path+" "+string(b))
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()

	box, err := secret.NewBox(bytes.Repeat([]byte{7}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := secret.NewBox(bytes.Repeat([]byte{8}, secret.KeySize))
	sealed, err := box.Seal(map[string]string{"slack_webhook": "/services/T1/B2/XYZ"})
	if err != nil {
		t.Fatal(err)
	}
	call := host.Call{Plugin: "slack", Kind: abi.KindReaction, SealedSecrets: sealed, Input: abi.Input{
		Config:  json.RawMessage(`{"api_url":"` + srv.URL + `"}`),
		Context: abi.CallContext{MonitorID: "m1", MonitorName: "Shop", Status: "failed"},
	}}
	entries := hosttest.Entries(t, "slack")
	for _, tc := range []struct {
		name   string
		box    *secret.Box
		ok     bool
		reason string
	}{
		{"right key", box, true, ""},
		{"no key", nil, false, "RUNBOOK_SECRET_KEY"},
		{"another deployment's key", other, false, "does not have"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got = nil
			h := hosttest.NewWithConfig(t, host.Config{Entries: entries, Secrets: tc.box})
			out, _, err := h.Call(context.Background(), call)
			if tc.ok {
				if err != nil || out.Status != abi.StatusOK || len(got) != 1 || !strings.HasPrefix(got[0], "/services/T1/B2/XYZ ") {
					t.Fatalf("got %+v %v, requests %q", out, err, got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.reason) || out.Status != abi.StatusFailed || len(got) != 0 {
				t.Fatalf("got %+v %v (requests %q); want failed naming %q and nothing sent", out, err, got, tc.reason)
			}
			if strings.Contains(err.Error(), "XYZ") {
				t.Fatalf("error shows the secret: %v", err)
			}
		})
	}
}

// A dry-run call reaches nothing: the webhook receiver gets no request,
// and the host reports where the plugin would have gone (scheme, host and
// port only, never a path that might hold a secret). Reads that change
// nothing (DNS lookups, pings) are not refused.
func TestDryRunContactsNothing(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	h := hosttest.New(t, "webhook")
	out, info, err := h.Call(context.Background(), host.Call{Plugin: "webhook", Kind: abi.KindReaction, DryRun: true, Input: abi.Input{
		Config:  json.RawMessage(`{"url":"` + srv.URL + `/hooks/secret-path"}`),
		Context: abi.CallContext{MonitorID: "m1", Status: "failed"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if hits != 0 {
		t.Fatalf("dry run sent %d requests", hits)
	}
	want := "http://" + strings.TrimPrefix(srv.URL, "http://")
	if len(info.WouldReach) != 1 || info.WouldReach[0] != want {
		t.Fatalf("WouldReach = %q, want [%s]", info.WouldReach, want)
	}
	if out.Status != abi.StatusFailed || !strings.Contains(out.Message, "dry run") {
		t.Fatalf("output %+v: want failed naming the dry run", out)
	}
}
